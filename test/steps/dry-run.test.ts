/**
 * DESIGN §4: a plan with `dryRun: true` makes no mutating call in any step. Every AWS client, the
 * ledger included, is set up to accept writes, so a step that wrongly writes shows up in `writes()`
 * rather than failing on a missing answer.
 */
import {
  CreateDeploymentCommand,
  GetAuthorizerCommand,
  GetRestApiCommand,
  GetStageCommand,
  UpdateAuthorizerCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, PublishCommand } from '@aws-sdk/client-sns';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTransport } from '../../src/aws/clients.ts';
import { useClock } from '../../src/clock.ts';
import { digest } from '../../src/redact.ts';
import { frozenPolicy } from '../../src/resources/apigateway-policy.ts';
import { difference } from '../../src/resources/resource.ts';
import { takeLock } from '../../src/steps/acquire-lock.ts';
import { checkDnsSync } from '../../src/steps/check-dns-sync.ts';
import { checkHealth } from '../../src/steps/check-health.ts';
import { checkServices } from '../../src/steps/check-services.ts';
import type { StepContext } from '../../src/steps/core/context.ts';
import { notify } from '../../src/steps/notify.ts';
import { preflight } from '../../src/steps/preflight.ts';
import { prepareDns } from '../../src/steps/prepare-dns.ts';
import { giveBackLock } from '../../src/steps/release-lock.ts';
import { releaseWrites } from '../../src/steps/release-writes.ts';
import { restoreTtl } from '../../src/steps/restore-ttl.ts';
import { restrictWrites } from '../../src/steps/restrict-writes.ts';
import { retireOldIssuer } from '../../src/steps/retire-old-issuer.ts';
import { switchDns } from '../../src/steps/switch-dns.ts';
import { switchServices } from '../../src/steps/switch-services.ts';
import {
  canaryAnswers,
  context,
  ledger,
  mocks,
  mutations,
  OTHER_EXECUTION,
  planWith,
  sent,
} from './aws-mocks.ts';

const OLD = 'eu-west-2_OldPool01';
const NEW = 'eu-west-2_NewPool01';
const OLD_ARN = `arn:aws:cognito-idp:eu-west-2:111122223333:userpool/${OLD}`;
const NEW_ARN = `arn:aws:cognito-idp:eu-west-2:111122223333:userpool/${NEW}`;
const USERS = 'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-users';
const OPERATORS = 'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-operators';
const MAINTENANCE = '/usermanagement/prod/under-maintenance';
const POOL_PARAMETER = '/reval/prod/cognito-user-pool-id';
const RECORD_KEY = 'route53-record:Z0EXAMPLEADMIN/admin.tis.example.org./A';
const NAME = 'admin.tis.example.org.';
const SINCE = '2025-01-01T00:00:00.000Z';

/** The example plan as a dry-run, with a Lambda binding too, so every binding kind is covered. */
const plan = planWith((p) => {
  p.dryRun = true;
  p.services.push({
    name: 'migration',
    bindings: [
      {
        kind: 'lambda-environment',
        functionName: 'admin-api',
        variables: { USER_POOL_ID: '{{newPool.userPoolId}}' },
      },
    ],
  });
});

const record = (ttl: number) => ({ name: NAME, type: 'A', ttl, values: ['192.0.2.10'] });
const secretText = (pool: string) => JSON.stringify({ userPoolId: pool, region: 'eu-west-2' });
/** The secret as the cutover knows it: its version and digests, never its text. */
const secretFor = (pool: string) => ({
  versionId: '',
  value: pool,
  digest: digest(pool),
  rest: digest(JSON.stringify({ region: 'eu-west-2' })),
});
const parameter = (value: string) => ({ type: 'String', version: 0, value, digest: digest(value) });

/** Anything other than a read, so a write outside `mutations()`'s list (Admin*, Set*...) counts too. */
const READ = /^(Admin)?(Get|Describe|List|Query|Scan|BatchGet|Simulate)/;
const writes = () => sent().filter((name) => !READ.test(name));

/** The world the day before cutover: everything names the old pool, and the record's TTL is 300 s. */
function beforeCutover(): void {
  mocks.cognito.on(DescribeUserPoolCommand, { UserPoolId: OLD }).resolves({ UserPool: { Arn: OLD_ARN } });
  mocks.cognito.on(DescribeUserPoolCommand, { UserPoolId: NEW }).resolves({ UserPool: { Arn: NEW_ARN } });
  mocks.cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ExplicitAuthFlows: [] } });
  mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: {} });
  recordHasTtl(300);
  mocks.route53
    .on(GetChangeCommand)
    .resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });
  mocks.apiGateway.on(GetRestApiCommand).resolves({ id: 'um0api1234' });
  mocks.apiGateway.on(GetStageCommand).resolves({ stageName: 'prod' });
  mocks.apiGateway.on(GetAuthorizerCommand).resolves({ id: 'cogauth1', providerARNs: [OLD_ARN] });
  mocks.ssm
    .on(GetParameterCommand, { Name: MAINTENANCE })
    .resolves({ Parameter: { Value: 'false', Type: 'String' } });
  mocks.ssm
    .on(GetParameterCommand, { Name: POOL_PARAMETER })
    .resolves({ Parameter: { Value: OLD, Type: 'String' } });
  mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: secretText(OLD) });
  mocks.lambda
    .on(GetFunctionConfigurationCommand)
    .resolves({ Environment: { Variables: { USER_POOL_ID: OLD, LOG_LEVEL: 'info' } } });
  mocks.ecs.on(DescribeServicesCommand).resolves({
    services: [{ status: 'ACTIVE', taskDefinition: 'usermanagement:7', desiredCount: 2 }],
    failures: [],
  });
  mocks.cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      { AlarmName: 'usermanagement-prod-5xx', StateValue: 'OK' },
      { AlarmName: 'reval-prod-5xx', StateValue: 'OK' },
    ],
  });
}

function recordHasTtl(ttl: number): void {
  mocks.route53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [{ Name: NAME, Type: 'A', TTL: ttl, ResourceRecords: [{ Value: '192.0.2.10' }] }],
  });
}

/** Writes succeed, so a step that wrongly writes in a dry-run is caught by `writes()`, not by a crash. */
function writesWouldSucceed(): void {
  mocks.route53
    .on(ChangeResourceRecordSetsCommand)
    .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
  mocks.apiGateway.on(UpdateRestApiCommand).resolves({});
  mocks.apiGateway.on(UpdateAuthorizerCommand).resolves({});
  mocks.apiGateway.on(CreateDeploymentCommand).resolves({ id: 'dep1' });
  mocks.ssm.on(PutParameterCommand).resolves({ Version: 2 });
  mocks.ssm.on(DeleteParameterCommand).resolves({});
  mocks.secrets.on(PutSecretValueCommand).resolves({});
  mocks.lambda.on(UpdateFunctionConfigurationCommand).resolves({});
  mocks.ecs.on(UpdateServiceCommand).resolves({});
  mocks.sns.on(PublishCommand).resolves({ MessageId: 'm1' });
}

let web: MockAgent;

beforeEach(() => {
  beforeCutover();
  writesWouldSucceed();
  canaryAnswers();
  web = new MockAgent();
  web.disableNetConnect();
  for (const [origin, path] of [
    ['https://admin.tis.example.org', '/health'],
    ['https://reval.tis.example.org', '/api/health'],
  ] as const) {
    web.get(origin).intercept({ path, method: 'GET' }).reply(200, 'ok').persist();
  }
  // Health checks fetch through the transport's dispatcher; AWS calls stay with the mocks.
  useTransport({
    send: async () => {
      throw new Error('AWS calls are answered by aws-sdk-client-mock in these tests');
    },
    dispatcher: web,
  });
  useClock(() => Date.parse(SINCE) + 60_000);
});

afterEach(async () => {
  useTransport(undefined);
  useClock(undefined);
  await web.close();
});

interface Case {
  step: string;
  arrange?: () => void;
  act: (ctx: StepContext) => Promise<object>;
  reports: object;
}

/** A change it would make, reported as what differs between the states before and after. */
const planned = (kind: string, before: unknown, after: unknown) => ({
  kind,
  ...difference(before, after),
  changed: false,
  planned: true,
  pending: [],
});

/** What switching the services would do, the authorizer coming to trust `authorizerTrusts`. */
function servicesPlanned(authorizerTrusts: string[]) {
  return {
    changes: [
      {
        service: 'reval',
        ...planned('apigateway-authorizer', { providerARNs: [OLD_ARN] }, { providerARNs: authorizerTrusts }),
      },
      { service: 'reval', ...planned('ssm-parameter', parameter(OLD), parameter(NEW)) },
      { service: 'usermanagement', ...planned('secret', secretFor(OLD), secretFor(NEW)) },
      {
        service: 'usermanagement',
        ...planned(
          'ecs-service',
          { taskDefinition: 'usermanagement:7', desiredCount: 2 },
          { taskDefinition: 'usermanagement:7', desiredCount: 2 },
        ),
      },
      {
        service: 'migration',
        ...planned(
          'lambda-environment',
          { variables: { USER_POOL_ID: OLD, LOG_LEVEL: 'info' } },
          { variables: { USER_POOL_ID: NEW, LOG_LEVEL: 'info' } },
        ),
      },
    ],
    deployments: [],
    settled: true,
  };
}

const cases: Case[] = [
  { step: 'takeLock (free)', act: takeLock, reports: { acquired: false } },
  {
    step: 'takeLock (held by another execution)',
    arrange: () => ledger.seedLock(OTHER_EXECUTION),
    act: takeLock,
    reports: { acquired: false, heldBy: OTHER_EXECUTION },
  },
  // Preflight throws on any failed check, so a report at all means every check passed.
  { step: 'preflight', act: preflight, reports: { checks: expect.any(Array) } },
  ...(['started', 'done', 'rolled-back'] as const).map((event) => ({
    step: `notify ${event}`,
    act: (ctx: StepContext) => notify(ctx, event),
    reports: { sent: false, topics: [USERS, OPERATORS] },
  })),
  {
    step: 'notify rollback-incomplete',
    act: (ctx) => notify(ctx, 'rollback-incomplete', { remaining: [{ resource: RECORD_KEY }] }),
    reports: { sent: false, topics: [OPERATORS] },
  },
  {
    step: 'prepareDns (TTL 300 s above the 60 s cutover TTL)',
    act: prepareDns,
    reports: { lowered: true, changeIds: [], drainSeconds: 300, ttlSeconds: 300 },
  },
  {
    step: 'restrictWrites',
    act: restrictWrites,
    reports: {
      changes: [
        planned(
          'apigateway-policy',
          { policy: null },
          { policy: frozenPolicy(null, ['POST', 'PUT', 'PATCH', 'DELETE']) },
        ),
        planned('ssm-parameter', parameter('false'), parameter('true')),
      ],
    },
  },
  {
    step: 'switchDns',
    act: switchDns,
    reports: {
      changed: false,
      changeIds: [],
      waitSeconds: 300,
      change: planned('route53-record', record(300), {
        name: NAME,
        type: 'A',
        alias: {
          dnsName: 'd111abcdef8.cloudfront.net.',
          hostedZoneId: 'Z2FDTNDATAQYW2',
          evaluateTargetHealth: false,
        },
      }),
    },
  },
  {
    step: 'checkDnsSync (no change ids: the dry-run made no change)',
    act: (ctx) => checkDnsSync(ctx.plan.region, [], SINCE),
    reports: { inSync: true, statuses: [] },
  },
  // Both pools during the grace window, the new one alone once it closes.
  { step: 'switchServices', act: switchServices, reports: servicesPlanned([NEW_ARN, OLD_ARN].sort()) },
  { step: 'retireOldIssuer', act: retireOldIssuer, reports: servicesPlanned([NEW_ARN]) },
  {
    step: 'checkServices (no deployments: the dry-run started none)',
    act: () => checkServices([], SINCE),
    reports: { settled: true, statuses: [] },
  },
  {
    step: 'checkHealth (the canary is checked, not signed in)',
    act: (ctx) => checkHealth(ctx.plan, { passes: 0, polls: 0 }),
    reports: { passes: 1, polls: 1, healthy: false },
  },
  {
    step: 'releaseWrites (a frozen API and flag from this execution in the ledger)',
    arrange: () => {
      ledger.seedChange({
        key: 'apigateway-policy:um0api1234',
        kind: 'apigateway-policy',
        ref: { restApiId: 'um0api1234', stageName: 'prod' },
        before: { policy: null },
        after: { policy: frozenPolicy(null, ['POST']) },
        seq: 1,
      });
      ledger.seedChange({
        key: `ssm-parameter:${MAINTENANCE}`,
        kind: 'ssm-parameter',
        ref: { name: MAINTENANCE },
        before: { value: 'false', type: 'String' },
        after: { value: 'true', type: 'String' },
        seq: 2,
      });
    },
    act: releaseWrites,
    reports: { released: [] },
  },
  { step: 'restoreTtl (nothing lowered)', act: restoreTtl, reports: { raised: false, ttlSeconds: null } },
  {
    step: 'restoreTtl (an earlier run lowered 300 s to 60 s)',
    arrange: () => {
      recordHasTtl(60);
      ledger.seedChange({
        key: RECORD_KEY,
        kind: 'route53-record',
        ref: { hostedZoneId: 'Z0EXAMPLEADMIN', recordName: 'admin.tis.example.org', recordType: 'A' },
        before: record(300),
        after: record(60),
        seq: 1,
        executionId: OTHER_EXECUTION,
      });
    },
    act: restoreTtl,
    reports: { raised: true, ttlSeconds: 300 },
  },
  { step: 'giveBackLock (free)', act: giveBackLock, reports: { released: false } },
  {
    step: 'giveBackLock (held by another execution)',
    arrange: () => ledger.seedLock(OTHER_EXECUTION),
    act: giveBackLock,
    reports: { released: false },
  },
];

describe('a dry-run', () => {
  it.each(cases)('$step sends no write and reports what it would do', async ({ arrange, act, reports }) => {
    arrange?.();

    const result = await act(context(plan));

    expect(writes()).toEqual([]);
    expect(mutations()).toEqual([]);
    expect(result).toMatchObject(reports);
  });

  it('runs the whole cutover in state-machine order without a write, leaving the ledger empty', async () => {
    const ctx = context(plan);

    await takeLock(ctx);
    await preflight(ctx);
    await notify(ctx, 'started');
    await prepareDns(ctx);
    await restrictWrites(ctx);
    const dns = await switchDns(ctx);
    const sync = await checkDnsSync(plan.region, dns.changeIds, SINCE);
    const services = await switchServices(ctx);
    const settled = await checkServices(services.deployments, SINCE);
    await checkHealth(plan, { passes: 0, polls: 0 });
    await releaseWrites(ctx);
    await notify(ctx, 'done');
    await restoreTtl(ctx);
    await giveBackLock(ctx);

    expect(writes()).toEqual([]);
    expect(sync.inSync && settled.settled).toBe(true);
    expect(ledger.lock()).toBeUndefined();
    expect(ledger.change(RECORD_KEY)).toBeUndefined();
  });

  // Bug: src/steps/core/change.ts applyChange calls markApplied for a pending entry before it checks
  // dryRun; fix: `if (entry?.status === 'pending' && !ctx.plan.dryRun) await markApplied(...)`.
  it('leaves a pending ledger entry of a real run as it found it', async () => {
    mocks.ssm
      .on(GetParameterCommand, { Name: MAINTENANCE })
      .resolves({ Parameter: { Value: 'true', Type: 'String' } });
    ledger.seedChange({
      key: `ssm-parameter:${MAINTENANCE}`,
      kind: 'ssm-parameter',
      ref: { name: MAINTENANCE },
      before: { value: 'false', type: 'String' },
      after: { value: 'true', type: 'String' },
      seq: 1,
      status: 'pending',
      executionId: OTHER_EXECUTION,
    });

    await restrictWrites(context(plan));

    expect(writes()).toEqual([]);
    expect(ledger.change(`ssm-parameter:${MAINTENANCE}`)).toMatchObject({ status: 'pending' });
  });
});
