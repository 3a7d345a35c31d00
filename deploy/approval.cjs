// serverless.yml's `resources` loads this (osls resolves .cjs files): the go/no-go's Systems Manager
// Automation runbook and the role it answers the cutover with, built by src/approval/document.ts so
// the sandbox runs the very runbook that is deployed.
const tsx = require('tsx/cjs/api');

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const { approvalResources } = tsx.require('../src/approval/document.ts', __filename);
  return { Resources: approvalResources(service, stage) };
};
