// serverless.yml's `resources` loads this (osls resolves .cjs files): it runs the TypeScript that
// derives each function's role from src/iam/manifest.ts and the stage's plan, so the deployed
// grants and the tests that check them come from one source.
const tsx = require('tsx/cjs/api');

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const { invokePermissions, lambdaRoles, stageOf, stateMachineRoles } = tsx.require(
    '../src/iam/roles.ts',
    __filename,
  );
  const of = stageOf(service, stage);
  return { Resources: { ...lambdaRoles(of), ...stateMachineRoles(of), ...invokePermissions(of) } };
};
