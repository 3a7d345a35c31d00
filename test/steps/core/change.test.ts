import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ecsService } from '../../../src/resources/ecs-service.ts';
import { setTo, ssmParameter } from '../../../src/resources/ssm-parameter.ts';
import { applyChange, restoreChange } from '../../../src/steps/core/change.ts';
import {
  context,
  dryRunPlan,
  EXECUTION,
  forgetCalls,
  ledger,
  mocks,
  mutations,
  OTHER_EXECUTION,
  planWith,
} from '../aws-mocks.ts';

const ref = { name: '/reval/prod/cognito-user-pool-id' };
const key = 'ssm-parameter:/reval/prod/cognito-user-pool-id';
const toNewPool = () => setTo(null, 'eu-west-2_NewPool01');

function parameterHolds(value: string | undefined): void {
  if (value === undefined) {
    mocks.ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'absent', $metadata: {} }));
  } else {
    mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value, Type: 'String' } });
  }
}

describe('applyChange', () => {
  it('records the snapshot in the ledger, then writes, then marks the change applied', async () => {
    parameterHolds('eu-west-2_OldPool01');

    const report = await applyChange(context(), ssmParameter, ref, toNewPool);

    expect(mutations()).toEqual(['UpdateItem', 'PutItem', 'PutParameter', 'UpdateItem']);
    expect(mocks.ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: '/reval/prod/cognito-user-pool-id',
      Value: 'eu-west-2_NewPool01',
      Type: 'String',
      Overwrite: true,
    });
    expect(ledger.change(key)).toMatchObject({
      status: 'applied',
      seq: 1,
      before: setTo(null, 'eu-west-2_OldPool01'),
      after: { value: 'eu-west-2_NewPool01', type: 'String' },
      executionId: EXECUTION,
    });
    expect(report).toMatchObject({ key, changed: true, planned: false });
  });

  it('changes nothing, not even the ledger, when run again', async () => {
    parameterHolds('eu-west-2_OldPool01');
    await applyChange(context(), ssmParameter, ref, toNewPool);
    parameterHolds('eu-west-2_NewPool01');
    forgetCalls();

    const report = await applyChange(context(), ssmParameter, ref, toNewPool);

    expect(mutations()).toEqual([]);
    expect(report).toMatchObject({ changed: false, planned: false });
  });

  it('makes a write the ledger holds as pending again, whole, keeping the first snapshot, then marks it applied', async () => {
    parameterHolds('eu-west-2_NewPool01');
    ledger.seedChange({
      key,
      kind: 'ssm-parameter',
      ref,
      before: setTo(null, 'eu-west-2_OldPool01'),
      after: toNewPool(),
      seq: 1,
      status: 'pending',
    });

    await applyChange(context(), ssmParameter, ref, toNewPool);

    // The step may have died half way through its write: pending means nobody knows it ended.
    expect(mutations()).toEqual(['UpdateItem', 'UpdateItem', 'PutParameter', 'UpdateItem']);
    expect(ledger.change(key)).toMatchObject({ status: 'applied', before: { value: 'eu-west-2_OldPool01' } });
  });

  it('in a dry-run reports what it would change and writes nothing', async () => {
    parameterHolds('eu-west-2_OldPool01');

    const report = await applyChange(context(dryRunPlan()), ssmParameter, ref, toNewPool);

    expect(mutations()).toEqual([]);
    expect(report).toMatchObject({ changed: false, planned: true, after: { value: 'eu-west-2_NewPool01' } });
  });

  it('redeploys an ECS service once per execution, and again for a later execution', async () => {
    const service = { cluster: 'tis-prod', service: 'usermanagement' };
    mocks.ecs.on(DescribeServicesCommand).resolves({
      services: [{ status: 'ACTIVE', taskDefinition: 'usermanagement:7', desiredCount: 2 }],
    });
    mocks.ecs.on(UpdateServiceCommand).resolves({});
    await applyChange(context(), ecsService, service, (current) => current);
    forgetCalls();

    await applyChange(context(), ecsService, service, (current) => current);
    const again = mutations();
    await applyChange(context(planWith(), OTHER_EXECUTION), ecsService, service, (current) => current);

    expect(again).toEqual([]);
    expect(mocks.ecs).toHaveReceivedCommandExactlyOnceWith(UpdateServiceCommand, {
      cluster: 'tis-prod',
      service: 'usermanagement',
      forceNewDeployment: true,
    });
  });
});

describe('restoreChange', () => {
  const change = {
    key,
    kind: 'ssm-parameter',
    ref,
    before: null,
    after: toNewPool(),
    status: 'applied' as const,
    seq: 1,
    step: 'SwitchServices',
    executionId: EXECUTION,
    recordedAt: '2025-01-01T00:00:00.000Z',
    pending: [],
  };

  it('puts the snapshot back (deleting a parameter the cutover created), then marks it restored', async () => {
    parameterHolds('eu-west-2_NewPool01');
    ledger.seedChange(change);

    const report = await restoreChange(context(), change, ssmParameter);

    expect(mutations()).toEqual(['UpdateItem', 'DeleteParameter', 'UpdateItem']);
    expect(mocks.ssm).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: ref.name });
    expect(ledger.change(key)).toMatchObject({ status: 'restored' });
    expect(report).toMatchObject({ changed: true, from: toNewPool(), to: null });
  });

  it('makes a restore the ledger holds as begun again, whole, though the resource already reads as restored', async () => {
    // A function that died between a policy update and its redeploy leaves exactly this.
    parameterHolds('eu-west-2_OldPool01');
    const begun = {
      ...change,
      before: setTo(null, 'eu-west-2_OldPool01'),
      status: 'restoring' as const,
    };
    ledger.seedChange(begun);

    const report = await restoreChange(context(), begun, ssmParameter);

    expect(mutations()).toEqual(['UpdateItem', 'PutParameter', 'UpdateItem']);
    expect(ledger.change(key)).toMatchObject({ status: 'restored' });
    expect(report).toMatchObject({ changed: true });
  });

  it('marks restored, without a write, a change whose function died before it landed', async () => {
    parameterHolds('eu-west-2_OldPool01');
    const neverLanded = {
      ...change,
      before: setTo(null, 'eu-west-2_OldPool01'),
      status: 'pending' as const,
    };
    ledger.seedChange(neverLanded);

    const report = await restoreChange(context(), neverLanded, ssmParameter);

    expect(mutations()).toEqual(['UpdateItem']);
    expect(ledger.change(key)).toMatchObject({ status: 'restored' });
    expect(report).toMatchObject({ changed: false });
  });

  it('changes nothing for a change already restored', async () => {
    parameterHolds(undefined);

    const report = await restoreChange(context(), { ...change, status: 'restored' }, ssmParameter);

    expect(mutations()).toEqual([]);
    expect(report.changed).toBe(false);
  });
});
