/**
 * What every step test needs: one aws-sdk-client-mock per client class, the ledger table answered
 * from memory, and the list of commands sent, so that a test can say "this run changed nothing".
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { SinonSpyCall } from 'sinon';
import { beforeEach } from 'vitest';
import type { ChangeStatus } from '../../src/ledger/changes.ts';
import { type Plan, parsePlan } from '../../src/plan/schema.ts';
import type { StepContext } from '../../src/steps/core/context.ts';
import { edited, example } from '../fixtures/plans.ts';

export const mocks = {
  apiGateway: mockClient(APIGatewayClient),
  cloudWatch: mockClient(CloudWatchClient),
  cognito: mockClient(CognitoIdentityProviderClient),
  dynamoDb: mockClient(DynamoDBClient),
  ecs: mockClient(ECSClient),
  iam: mockClient(IAMClient),
  lambda: mockClient(LambdaClient),
  route53: mockClient(Route53Client),
  secrets: mockClient(SecretsManagerClient),
  sfn: mockClient(SFNClient),
  sns: mockClient(SNSClient),
  ssm: mockClient(SSMClient),
};

export const EXECUTION = 'arn:aws:states:eu-west-2:111122223333:execution:cutover:run-1';
export const OTHER_EXECUTION = 'arn:aws:states:eu-west-2:111122223333:execution:cutover:run-0';

/** The example plan with the schema's defaults filled in, optionally edited first. */
// biome-ignore lint/suspicious/noExplicitAny: edits reach into arbitrary fields of the example.
export function planWith(edit?: (plan: any) => void): Plan {
  return parsePlan(edit ? edited(edit) : example);
}

/** The example plan as a dry-run: every step reads and reports, nothing is changed. */
export function dryRunPlan(): Plan {
  return planWith((p) => {
    p.dryRun = true;
  });
}

/** What `stepContext` builds, without the LEDGER_TABLE it reads from the environment. */
export function context(plan: Plan = planWith(), executionId = EXECUTION, step = 'Step'): StepContext {
  return {
    plan,
    step,
    executionId,
    ledger: { table: 'cutover-ledger', region: plan.region, migrationId: plan.migrationId },
  };
}

/** Every command sent to any client since the last reset, in the order sent, e.g. `PutItem`. */
export function sent(): string[] {
  return Object.values(mocks)
    .flatMap((mock): SinonSpyCall[] => mock.calls())
    .sort((a, b) => (a.calledBefore(b) ? -1 : 1))
    .map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

// A sign-in counts: through the new pool it migrates the user, which creates them there.
const MUTATING =
  /^(Admin)?(Put|Update|Change|Create|Delete|Publish|Add|Remove|Tag|Untag|Start|Stop|BatchWrite|Transact|InitiateAuth)/;

/** The commands that change something (AWS resources, notifications or the ledger), in order. */
export function mutations(): string[] {
  return sent().filter((name) => MUTATING.test(name));
}

/** Forgets the commands sent so far; answers and the ledger stay, as for a retried step. */
export function forgetCalls(): void {
  for (const mock of Object.values(mocks)) mock.resetHistory();
}

/**
 * The ledger table in memory, keyed by pk and sk. Conditions are not evaluated: tests seed the
 * ledger as each case needs and assert the ConditionExpression sent where it matters.
 */
const table = new Map<string, Record<string, unknown>>();
const MIGRATION = (example as { migrationId: string }).migrationId;
const where = (key: Record<string, AttributeValue> = {}) => {
  const { pk, sk } = unmarshall(key);
  return `${pk} ${sk}`;
};

function update(input: UpdateItemCommandInput): Record<string, unknown> {
  const names = input.ExpressionAttributeNames ?? {};
  const values = unmarshall(input.ExpressionAttributeValues ?? {});
  const item = { ...(table.get(where(input.Key)) ?? unmarshall(input.Key ?? {})) };
  const name = (token = '') => names[token] ?? token;
  // "SET #a = :a, #b = :b REMOVE #c" -> ['', 'SET', ' #a = :a, #b = :b ', 'REMOVE', ' #c']
  const parts = (input.UpdateExpression ?? '').split(/\b(SET|REMOVE|ADD)\b/);
  for (let i = 1; i < parts.length; i += 2) {
    for (const clause of (parts[i + 1] ?? '').split(',').map((c) => c.trim())) {
      const [target, value = ''] = clause.split(/\s*=\s*|\s+/);
      if (parts[i] === 'SET') item[name(target)] = values[value];
      if (parts[i] === 'REMOVE') delete item[name(target)];
      if (parts[i] === 'ADD') item[name(target)] = Number(item[name(target)] ?? 0) + Number(values[value]);
    }
  }
  table.set(where(input.Key), item);
  return item;
}

function answerLedger(): void {
  const db = mocks.dynamoDb;
  db.on(GetItemCommand).callsFake(({ Key }) => {
    const item = table.get(where(Key));
    return item ? { Item: marshall(item) } : {};
  });
  db.on(PutItemCommand).callsFake(({ Item }) => {
    table.set(where(Item), unmarshall(Item));
    return {};
  });
  db.on(UpdateItemCommand).callsFake((input) => ({ Attributes: marshall(update(input)) }));
  db.on(QueryCommand).callsFake(({ ExpressionAttributeValues }) => {
    const { ':pk': pk, ':prefix': prefix } = unmarshall(ExpressionAttributeValues);
    const items = [...table.values()].filter((i) => i.pk === pk && String(i.sk).startsWith(prefix));
    return { Items: items.map((item) => marshall(item)) };
  });
}

export interface SeededChange {
  key: string;
  kind: string;
  ref: object;
  before: unknown;
  after: unknown;
  seq: number;
  status?: ChangeStatus;
  executionId?: string | undefined;
}

export const ledger = {
  /** A change entry as a step left it, with ref, before and after parsed. */
  change(key: string): Record<string, unknown> | undefined {
    const item = table.get(`${MIGRATION} CHANGE#${key}`);
    if (!item) return undefined;
    const parse = (field: string) => JSON.parse(item[field] as string);
    return { ...item, ref: parse('ref'), before: parse('before'), after: parse('after') };
  },
  lock: () => table.get(`${MIGRATION} LOCK`),
  seedChange({ status = 'applied', executionId = EXECUTION, ...change }: SeededChange): void {
    table.set(`${MIGRATION} CHANGE#${change.key}`, {
      pk: MIGRATION,
      sk: `CHANGE#${change.key}`,
      key: change.key,
      kind: change.kind,
      ref: JSON.stringify(change.ref),
      before: JSON.stringify(change.before),
      after: JSON.stringify(change.after),
      status,
      seq: change.seq,
      step: 'Seeded',
      executionId,
      recordedAt: '2025-01-01T00:00:00.000Z',
    });
  },
  seedLock(owner: string, status: 'held' | 'released' = 'held', seq = 0): void {
    table.set(`${MIGRATION} LOCK`, {
      pk: MIGRATION,
      sk: 'LOCK',
      owner,
      status,
      seq,
      acquiredAt: '2025-01-01T00:00:00.000Z',
    });
  },
  seedNotice(notice: string): void {
    table.set(`${MIGRATION} NOTICE#${notice}`, { pk: MIGRATION, sk: `NOTICE#${notice}`, sentAt: 'earlier' });
  },
};

beforeEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
  table.clear();
  answerLedger();
  // App clients without a secret, unless a test says otherwise.
  mocks.cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: {} });
});

export const CANARY = { username: 'canary@tis.example.org', password: 'Canary-Password-1!' };
export const NEW_POOL_ISSUER = 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_NewPool01';

/** A JWT-shaped token carrying `claims`; nothing here checks its signature. */
export function idToken(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
}

/**
 * The example plan's canary: its secret, its user in the old pool, and a sign-in through the new
 * pool that migrates it with the claims the plan expects. Tests break what they are about.
 */
export function canaryAnswers(): void {
  mocks.secrets
    .on(GetSecretValueCommand, { SecretId: 'tis-cutover-canary' })
    .resolves({ SecretString: JSON.stringify(CANARY) });
  mocks.cognito
    .on(AdminGetUserCommand)
    .resolves({ Username: CANARY.username, Enabled: true, UserStatus: 'CONFIRMED' });
  mocks.cognito.on(InitiateAuthCommand).resolves({
    AuthenticationResult: {
      IdToken: idToken({
        iss: NEW_POOL_ISSUER,
        aud: 'newpooladminuiclient',
        token_use: 'id',
        email: CANARY.username,
        preferred_username: CANARY.username,
        // Migrated: its old pool's sub and its groups, as PreTokenGeneration puts them in.
        legacy_sub: '0a1b2c3d-0000-4000-8000-000000000001',
        'cognito:groups': ['usermanagement-editors'],
      }),
      AccessToken: idToken({ token_use: 'access' }),
    },
  });
  mocks.cognito.on(AdminDeleteUserCommand).resolves({});
}
