import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DeleteParameterCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsTransient } from '../../src/errors.ts';
import { digest } from '../../src/redact.ts';
import { rollback } from '../../src/steps/rollback.ts';
import {
  context,
  EXECUTION,
  forgetCalls,
  ledger,
  mocks,
  mutations,
  OTHER_EXECUTION,
  planWith,
  sent,
} from './aws-mocks.ts';

const OLD_SECRET = JSON.stringify({ userPoolId: 'eu-west-2_OldPool01' });
const NEW_SECRET = JSON.stringify({ userPoolId: 'eu-west-2_NewPool01' });
const record = { hostedZoneId: 'Z0EXAMPLEADMIN', recordName: 'admin.tis.example.org', recordType: 'A' };
const plainRecord = { name: 'admin.tis.example.org.', type: 'A', ttl: 300, values: ['192.0.2.10'] };
const aliasRecord = {
  name: 'admin.tis.example.org.',
  type: 'A',
  alias: {
    dnsName: 'd111abcdef8.cloudfront.net.',
    hostedZoneId: 'Z2FDTNDATAQYW2',
    evaluateTargetHealth: false,
  },
};
const keys = {
  freeze: 'ssm-parameter:/usermanagement/prod/under-maintenance',
  dns: 'route53-record:Z0EXAMPLEADMIN/admin.tis.example.org./A',
  secret: 'secret:usermanagement-cognito-prod',
};

/** What the cutover did, in order: freeze writes, switch DNS, switch the secret. */
function seedCutover(executionId?: string): void {
  ledger.seedChange({
    key: keys.freeze,
    kind: 'ssm-parameter',
    ref: { name: '/usermanagement/prod/under-maintenance' },
    before: null,
    after: { value: 'true', type: 'String' },
    seq: 1,
    executionId,
  });
  ledger.seedChange({
    key: keys.dns,
    kind: 'route53-record',
    ref: record,
    before: plainRecord,
    after: aliasRecord,
    seq: 2,
    executionId,
  });
  ledger.seedChange({
    key: keys.secret,
    kind: 'secret',
    ref: { secretId: 'usermanagement-cognito-prod' },
    // What the ledger knows of a secret: the version it found, never the text.
    before: { versionId: 'v1', value: 'eu-west-2_OldPool01', digest: digest(OLD_SECRET) },
    after: { versionId: 'v1', value: 'eu-west-2_NewPool01', digest: digest(NEW_SECRET) },
    seq: 3,
    executionId,
  });
}

/** AWS answers the resources as the cutover left them. */
function resourcesAreSwitched(): void {
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'true', Type: 'String' } });
  mocks.route53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [
      {
        Name: 'admin.tis.example.org.',
        Type: 'A',
        AliasTarget: {
          DNSName: 'd111abcdef8.cloudfront.net.',
          HostedZoneId: 'Z2FDTNDATAQYW2',
          EvaluateTargetHealth: false,
        },
      },
    ],
  });
  mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: NEW_SECRET, VersionId: 'v2' });
}

const dnsAccepted = { ChangeInfo: { Id: '/change/C9', Status: 'PENDING' as const, SubmittedAt: new Date() } };
const failure = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });
const restores = () => mutations().filter((name) => name !== 'UpdateItem');

beforeEach(() => {
  resourcesAreSwitched();
  mocks.ssm.on(DeleteParameterCommand).resolves({});
  mocks.secrets.on(UpdateSecretVersionStageCommand).resolves({});
  mocks.route53.on(ChangeResourceRecordSetsCommand).resolves(dnsAccepted);
});

describe('rollback', () => {
  it('restores every change of this execution, newest first, marking each restored', async () => {
    seedCutover();

    const result = await rollback(context(), EXECUTION);

    // Each restore is marked begun, then made, then marked ended.
    expect(mutations()).toEqual([
      ...['UpdateItem', 'UpdateSecretVersionStage', 'UpdateItem'],
      ...['UpdateItem', 'ChangeResourceRecordSets', 'UpdateItem'],
      ...['UpdateItem', 'DeleteParameter', 'UpdateItem'],
    ]);
    expect(mocks.secrets).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: 'usermanagement-cognito-prod',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v1',
      RemoveFromVersionId: 'v2',
    });
    expect(mocks.secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(mocks.route53).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'Z0EXAMPLEADMIN',
      ChangeBatch: {
        Comment: 'cognito-cutover',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'admin.tis.example.org.',
              Type: 'A',
              TTL: 300,
              ResourceRecords: [{ Value: '192.0.2.10' }],
            },
          },
        ],
      },
    });
    expect(mocks.ssm).toHaveReceivedCommandWith(DeleteParameterCommand, {
      Name: '/usermanagement/prod/under-maintenance',
    });
    expect(Object.values(keys).map((key) => ledger.change(key)?.status)).toEqual([
      'restored',
      'restored',
      'restored',
    ]);
    expect(result).toMatchObject({
      complete: true,
      remaining: [],
      changeIds: ['/change/C9'],
      dnsPending: true,
    });
  });

  it('sends nothing when another rollback execution runs after it, and finds nothing left', async () => {
    seedCutover();
    await rollback(context(), EXECUTION);
    forgetCalls();

    const result = await rollback(context(planWith(), 'rollback-2'), EXECUTION);

    expect(mutations()).toEqual([]);
    expect(result).toMatchObject({
      complete: true,
      nothingLeft: true,
      restored: [],
      note: 'Nothing was left to restore.',
    });
  });

  it('sends nothing when retried, and still waits for the DNS change the first attempt made', async () => {
    seedCutover();
    const first = await rollback(context(), EXECUTION);
    forgetCalls();

    const result = await rollback(context(), EXECUTION);

    expect(mutations()).toEqual([]);
    expect(first.dnsPending).toBe(true);
    expect(result).toMatchObject({ complete: true, nothingLeft: false, changeIds: first.changeIds });
  });

  it('reports a restore that fails with its current value and the value to restore, and still runs the others', async () => {
    seedCutover();
    mocks.route53.on(ChangeResourceRecordSetsCommand).rejects(failure('AccessDenied'));

    const result = await rollback(context(), EXECUTION);

    expect(restores()).toEqual(['UpdateSecretVersionStage', 'ChangeResourceRecordSets', 'DeleteParameter']);
    expect(result.complete).toBe(false);
    expect(result.remaining).toEqual([
      {
        resource: keys.dns,
        current: aliasRecord,
        restoreTo: plainRecord,
        error: expect.stringContaining('AccessDenied'),
      },
    ]);
    // Begun and not ended: the next rollback makes it again, whole.
    expect(ledger.change(keys.dns)?.status).toBe('restoring');
  });

  it('re-throws throttling so the state machine retries, and the retry skips what is already restored', async () => {
    seedCutover();
    mocks.route53.on(ChangeResourceRecordSetsCommand).rejects(failure('ThrottlingException'));

    await expect(rollback(context(), EXECUTION)).rejects.toBeInstanceOf(AwsTransient);
    mocks.route53.on(ChangeResourceRecordSetsCommand).resolves(dnsAccepted);
    forgetCalls();
    const retry = await rollback(context(), EXECUTION);

    expect(restores()).toEqual(['ChangeResourceRecordSets', 'DeleteParameter']);
    expect(retry.complete).toBe(true);
  });

  it('leaves the changes of another execution alone', async () => {
    seedCutover(OTHER_EXECUTION);

    const result = await rollback(context(), EXECUTION);

    expect(mutations()).toEqual([]);
    expect(ledger.change(keys.secret)?.status).toBe('applied');
    expect(result.note).toBe('Nothing was left to restore.');
  });

  it("restores every execution's changes when an operator rolls back the whole migration", async () => {
    seedCutover(OTHER_EXECUTION);
    ledger.seedLock(OTHER_EXECUTION);

    const result = await rollback(context(), null);

    expect(result.complete).toBe(true);
    expect(ledger.change(keys.secret)?.status).toBe('restored');
  });

  it('touches nothing while another execution holds the lock', async () => {
    seedCutover();
    ledger.seedLock(OTHER_EXECUTION);

    const result = await rollback(context(), EXECUTION);

    expect(sent()).toEqual(['GetItem']);
    expect(result).toMatchObject({
      complete: true,
      restored: [],
      note: expect.stringContaining(OTHER_EXECUTION),
    });
  });

  it('redeploys an ECS service only after the values its tasks read are restored', async () => {
    seedCutover();
    const service = { cluster: 'tis-prod', service: 'usermanagement' };
    const state = { taskDefinition: 'usermanagement:7', desiredCount: 2 };
    ledger.seedChange({
      key: 'ecs-service:tis-prod/usermanagement',
      kind: 'ecs-service',
      ref: service,
      before: state,
      after: state,
      seq: 4,
    });
    mocks.ecs.on(DescribeServicesCommand).resolves({ services: [{ status: 'ACTIVE', ...state }] });
    mocks.ecs.on(UpdateServiceCommand).resolves({});

    await rollback(context(), EXECUTION);

    expect(restores()).toEqual([
      'UpdateSecretVersionStage',
      'ChangeResourceRecordSets',
      'DeleteParameter',
      'UpdateService',
    ]);
  });

  it('reports a change of a kind it cannot restore and still restores the others', async () => {
    seedCutover();
    ledger.seedChange({
      key: 'waf-rule:r1',
      kind: 'waf-rule',
      ref: { id: 'r1' },
      before: 'off',
      after: 'on',
      seq: 4,
    });

    const result = await rollback(context(), EXECUTION);

    expect(restores()).toEqual(['UpdateSecretVersionStage', 'ChangeResourceRecordSets', 'DeleteParameter']);
    expect(result.remaining).toEqual([
      {
        resource: 'waf-rule:r1',
        current: expect.stringMatching(/^unreadable: /),
        restoreTo: 'off',
        error: expect.stringContaining('cannot restore'),
      },
    ]);
  });
});
