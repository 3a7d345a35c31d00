import {
  CreateDeploymentCommand,
  GetRestApiCommand,
  GetStageCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { releaseWrites } from '../../src/steps/release-writes.ts';
import { restrictWrites } from '../../src/steps/restrict-writes.ts';
import { context, dryRunPlan, forgetCalls, ledger, mocks, mutations, OTHER_EXECUTION } from './aws-mocks.ts';

const policyKey = 'apigateway-policy:um0api1234';
const parameterKey = 'ssm-parameter:/usermanagement/prod/under-maintenance';
const maintenance = '/usermanagement/prod/under-maintenance';
const denyWrites = {
  Sid: 'CognitoCutoverWriteFreeze',
  Effect: 'Deny',
  Principal: '*',
  Action: 'execute-api:Invoke',
  Resource: [
    'execute-api:/*/POST/*',
    'execute-api:/*/PUT/*',
    'execute-api:/*/PATCH/*',
    'execute-api:/*/DELETE/*',
  ],
};

/** The user-management API's resource policy and the maintenance flag, as AWS answers them. */
function writesAre(state: { policy?: string; maintenance?: string }): void {
  mocks.apiGateway.on(GetRestApiCommand).resolves({ id: 'um0api1234', policy: state.policy });
  if (state.maintenance === undefined) {
    mocks.ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'absent', $metadata: {} }));
  } else {
    mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: state.maintenance, Type: 'String' } });
  }
}

/** The policy UpdateRestApi was last sent, parsed. */
function sentPolicy() {
  const call = mocks.apiGateway.commandCalls(UpdateRestApiCommand).at(-1);
  return JSON.parse(call?.args[0].input.patchOperations?.[0]?.value ?? 'null');
}

beforeEach(() => {
  mocks.apiGateway.on(GetStageCommand).resolves({ stageName: 'prod' });
  mocks.apiGateway.on(UpdateRestApiCommand).resolves({});
  mocks.apiGateway.on(CreateDeploymentCommand).resolves({ id: 'dep1' });
  mocks.ssm.on(PutParameterCommand).resolves({ Version: 1 });
  mocks.ssm.on(DeleteParameterCommand).resolves({});
});

describe('restrictWrites', () => {
  it('denies the write verbs on the API, redeploys it, and sets the maintenance parameter', async () => {
    writesAre({});

    const result = await restrictWrites(context());

    expect(mutations()).toEqual([
      ...['UpdateItem', 'PutItem', 'UpdateRestApi', 'CreateDeployment', 'UpdateItem'],
      ...['UpdateItem', 'PutItem', 'PutParameter', 'UpdateItem'],
    ]);
    expect(mocks.apiGateway).toHaveReceivedCommandWith(UpdateRestApiCommand, { restApiId: 'um0api1234' });
    expect(sentPolicy().Statement).toContainEqual(denyWrites);
    expect(mocks.apiGateway).toHaveReceivedCommandExactlyOnceWith(CreateDeploymentCommand, {
      restApiId: 'um0api1234',
      stageName: 'prod',
    });
    expect(mocks.ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: maintenance,
      Value: 'true',
      Type: 'String',
      Overwrite: true,
    });
    expect(ledger.change(policyKey)).toMatchObject({ status: 'applied', before: { policy: null } });
    expect(ledger.change(parameterKey)).toMatchObject({ status: 'applied', before: null });
    expect(result.changes.map((c) => c.changed)).toEqual([true, true]);
  });

  it('sends nothing when run again', async () => {
    writesAre({});
    await restrictWrites(context());
    writesAre({ policy: JSON.stringify(sentPolicy()), maintenance: 'true' });
    forgetCalls();

    const result = await restrictWrites(context());

    expect(mutations()).toEqual([]);
    expect(result.changes.map((c) => c.changed)).toEqual([false, false]);
  });

  it('in a dry-run reports both changes as planned and sends nothing', async () => {
    writesAre({});

    const result = await restrictWrites(context(dryRunPlan()));

    expect(mutations()).toEqual([]);
    expect(result.changes.map((c) => [c.key, c.planned])).toEqual([
      [policyKey, true],
      [parameterKey, true],
    ]);
  });
});

describe('releaseWrites', () => {
  const frozen = JSON.stringify({ Version: '2012-10-17', Statement: [denyWrites] });
  const seedFreeze = (executionId?: string) => {
    const api = { restApiId: 'um0api1234', stageName: 'prod' };
    const flag = { name: maintenance };
    ledger.seedChange({
      key: policyKey,
      kind: 'apigateway-policy',
      ref: api,
      before: { policy: null },
      after: { policy: frozen },
      seq: 1,
      executionId,
    });
    ledger.seedChange({
      key: parameterKey,
      kind: 'ssm-parameter',
      ref: flag,
      before: null,
      after: { value: 'true', type: 'String' },
      seq: 2,
      executionId,
    });
  };

  it('restores exactly what RestrictWrites found, in reverse order', async () => {
    writesAre({ policy: frozen, maintenance: 'true' });
    seedFreeze();

    const result = await releaseWrites(context());

    // Each restore is marked begun, then made, then marked ended.
    expect(mutations()).toEqual([
      ...['UpdateItem', 'DeleteParameter', 'UpdateItem'],
      ...['UpdateItem', 'UpdateRestApi', 'CreateDeployment', 'UpdateItem'],
    ]);
    expect(mocks.ssm).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: maintenance });
    expect(mocks.apiGateway).toHaveReceivedCommandWith(UpdateRestApiCommand, {
      restApiId: 'um0api1234',
      patchOperations: [{ op: 'replace', path: '/policy', value: '' }],
    });
    expect(result.released).toEqual([parameterKey, policyKey]);
    expect(ledger.change(policyKey)?.status).toBe('restored');
  });

  it('sends nothing when run again', async () => {
    writesAre({ policy: frozen, maintenance: 'true' });
    seedFreeze();
    await releaseWrites(context());
    writesAre({});
    forgetCalls();

    const result = await releaseWrites(context());

    expect(mutations()).toEqual([]);
    expect(result.released).toEqual([]);
  });

  it('leaves a freeze made by another execution alone', async () => {
    writesAre({ policy: frozen, maintenance: 'true' });
    seedFreeze(OTHER_EXECUTION);

    const result = await releaseWrites(context());

    expect(mutations()).toEqual([]);
    expect(result.released).toEqual([]);
  });
});
