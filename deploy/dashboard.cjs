// serverless.yml's `resources` loads this (osls resolves .cjs files): the stack's CloudWatch
// dashboard, built by src/dashboard/dashboard.ts so the metrics it charts are the ones the code names.
const tsx = require('tsx/cjs/api');

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const { dashboardResources } = tsx.require('../src/dashboard/dashboard.ts', __filename);
  return { Resources: dashboardResources(service, stage) };
};
