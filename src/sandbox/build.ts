import type { SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { approvalDocument, approvalDocumentName } from '../approval/document.ts';
import { isResourceKind } from '../kinds/index.ts';
import { type Plan, USER_MANAGEMENT_ACTIONS } from '../plan/schema.ts';
import { DEFAULT_LEGACY_SUB_ATTRIBUTE } from '../triggers/attributes.ts';
import { answerNow, PEOPLE } from './arrivals.ts';
import { shortId } from './core.ts';
import { sandboxKinds, seedBinding, seedFreeze, splitLabel, splitOnce } from './kinds.ts';
import { CREATED, type Seeding, seedFunction, seedSecret } from './seeding.ts';
import { customString, standardSchema } from './services/cognito-schema.ts';
import { dnsName, sortRecords, zoneApex } from './services/route53.ts';
import {
  emptyWorld,
  functionArn,
  poolArn,
  REHEARSAL_STAGE,
  SANDBOX_SECRET_MARK,
  START,
  UserMap,
  type UserPoolClient,
  type World,
  type WorldOptions,
} from './world.ts';

/** The old world: every resource the plan names exists, wired to the OLD pool. */
export function buildWorld(plan: Plan, options: WorldOptions = {}): World {
  // The plan's topics name its account; the rest of the world lives there too.
  const world = emptyWorld(
    plan.region,
    options.accountId ?? plan.notify.usersTopicArn.split(':')[4] ?? '123456789012',
  );
  world.dnsPropagationSeconds = options.dnsPropagationSeconds ?? 20;
  world.ecsStabilizeSeconds = options.ecsStabilizeSeconds ?? 5;
  world.functionUpdateSeconds = options.functionUpdateSeconds ?? 2;
  const seeding = seedingOf(world, plan, options);
  seedPools(world, plan, options);
  seedDns(world, plan, options);
  for (const item of plan.writeFreeze) seedFreeze(item, seeding);
  seedTriggers(world, plan);
  for (const binding of plan.services.flatMap((s) => s.bindings)) seedBinding(binding, seeding);
  deployApis(world);
  wireTriggers(world, plan, options);
  seedHealth(world, plan);
  world.topics.add(plan.notify.usersTopicArn).add(plan.notify.operatorsTopicArn);
  // The stack deploys the go/no-go's runbook (deploy/approval.cjs); the sandbox runs the same one.
  world.documents.set(approvalDocumentName('cognito-cutover', REHEARSAL_STAGE), approvalDocument());
  seedLedger(world, options.ledgerTable ?? 'cognito-cutover-ledger');
  seedSessions(world, plan);
  seedArrivals(world, plan);
  for (const label of options.missing ?? []) {
    if (!leaveOut(world, label))
      throw new Error(`WorldOptions.missing: ${label} names nothing in the sandbox's world`);
  }
  return world;
}

function seedingOf(world: World, plan: Plan, options: WorldOptions): Seeding {
  const oldPoolArn = poolArn(world, plan.oldPool.userPoolId);
  const oldValue = (template: string) =>
    template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) =>
      name === 'newPool.appClientId'
        ? plan.oldPool.migrationClientId
        : name === 'newPool.userPoolArn'
          ? oldPoolArn
          : plan.oldPool.userPoolId,
    );
  return { world, plan, options, oldPoolArn, oldValue };
}

/** The groups the old pool's users are in, as the reference customer's services check them. */
const GROUPS = ['admins', 'usermanagement-editors', 'reval-reviewers'] as const;

/**
 * Cognito's default token validity, 60 minutes for access and ID tokens
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html).
 */
const DEFAULT_VALIDITY = { accessTokenValidityMinutes: 60, idTokenValidityMinutes: 60 } as const;

/** The custom attribute the old pool's users carry: the reference customer's tenant. */
const TENANT = customString('tenant', 64);

/** Both pools and their app clients; the new pool's triggers name the migration functions. */

function seedPools(world: World, plan: Plan, options: WorldOptions): void {
  const pool = (
    id: string,
    name: string,
    lambdaConfig: Record<string, string>,
    client: UserPoolClient,
    custom: SchemaAttributeType[],
    groups: readonly string[] = GROUPS,
  ) =>
    world.pools.set(id, {
      id,
      name,
      arn: poolArn(world, id),
      lambdaConfig,
      clients: new Map([[client.clientId, client]]),
      users: new UserMap(),
      groups: new Map(
        groups.map((group, precedence) => [
          group,
          { name: group, description: `${group} of ${plan.migrationId}`, precedence, createdAt: CREATED },
        ]),
      ),
      schema: [...standardSchema(['email']), ...custom],
      caseSensitive: false,
      mfa: 'OFF',
      totp: false,
      createdAt: CREATED,
    });
  pool(
    plan.oldPool.userPoolId,
    `${plan.migrationId}-old`,
    {},
    {
      clientId: plan.oldPool.migrationClientId,
      clientName: 'user-migration',
      ...DEFAULT_VALIDITY,
      explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: false,
      ...(options.confidentialClients ? { clientSecret: `${SANDBOX_SECRET_MARK}-old-client-secret` } : {}),
    },
    [TENANT],
  );
  pool(
    plan.newPool.userPoolId,
    `${plan.migrationId}-new`,
    {
      UserMigration: functionArn(world, plan.newPool.migrationFunctionName),
      ...(plan.newPool.preTokenGenerationFunctionName
        ? { PreTokenGeneration: functionArn(world, plan.newPool.preTokenGenerationFunctionName) }
        : {}),
    },
    {
      clientId: plan.newPool.appClientId,
      clientName: 'app',
      ...DEFAULT_VALIDITY,
      explicitAuthFlows: options.srpOnlyClient
        ? ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']
        : ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      // What the reference customer had on: it is why nobody saw the real error.
      preventUserExistenceErrors: true,
      ...(options.confidentialClients ? { clientSecret: `${SANDBOX_SECRET_MARK}-new-client-secret` } : {}),
    },
    // --attribute-mismatch: the tenant was never added to the new pool, so no user of the old one fits it.
    [...(options.attributeMismatch ? [] : [TENANT]), customString('legacy_sub', 64, false)],
    // --missing-group: the one a migrated reviewer's role checks depend on was never created.
    options.missingGroup ? GROUPS.slice(0, -1) : GROUPS,
  );
}

/** The triggers as serverless.yml deploys them: the migration function knows the old pool. */
function seedTriggers(world: World, plan: Plan): void {
  seedFunction(world, plan.newPool.migrationFunctionName, {
    OLD_USER_POOL_ID: plan.oldPool.userPoolId,
    OLD_POOL_CLIENT_ID: plan.oldPool.migrationClientId,
  });
  const preTokenGeneration = plan.newPool.preTokenGenerationFunctionName;
  if (preTokenGeneration)
    seedFunction(world, preTokenGeneration, {
      CLAIMS_PREFERRED_USERNAME_FROM: 'email',
      OLD_USER_POOL_ID: plan.oldPool.userPoolId,
    });
}

/** One deployment per API, made once its authorizers exist, serves every stage. */
function deployApis(world: World): void {
  for (const api of world.restApis.values()) {
    const id = shortId(world, 6);
    const providerARNs = Object.fromEntries(
      [...api.authorizers.values()].map((a) => [a.id, [...a.providerARNs]]),
    );
    api.deployments.set(id, { id, createdAt: CREATED, providerARNs });
    for (const s of api.stages.values()) {
      s.deploymentId = id;
      s.history = [{ at: CREATED, deploymentId: id }];
    }
  }
}

/** The triggers run the project's code, and Cognito may invoke them (unless the options say otherwise). */
function wireTriggers(world: World, plan: Plan, options: WorldOptions): void {
  const newPoolArn = poolArn(world, plan.newPool.userPoolId);
  const migration = world.functions.get(plan.newPool.migrationFunctionName);
  if (options.denyOldPoolAuth) world.deniedActions.add('cognito-idp:AdminInitiateAuth');
  seedServiceRoles(world, plan, options);
  if (migration) {
    migration.runs = 'user-migration';
    if (!options.denyInvoke) migration.policy = invokePolicy(migration.arn, newPoolArn);
  }
  const preTokenGeneration = plan.newPool.preTokenGenerationFunctionName;
  const claims = preTokenGeneration ? world.functions.get(preTokenGeneration) : undefined;
  if (claims) {
    claims.runs = 'pre-token-generation';
    claims.policy = invokePolicy(claims.arn, newPoolArn);
  }
}

/**
 * Each dependent service's role, allowed its Cognito actions on both pools, as a team that read the
 * wiring runbook leaves it; with `serviceRoleDenied`, on the old pool only, as most teams forget.
 */
function seedServiceRoles(world: World, plan: Plan, options: WorldOptions): void {
  const pools = [plan.oldPool.userPoolId, ...(options.serviceRoleDenied ? [] : [plan.newPool.userPoolId])];
  for (const service of plan.services) {
    if (!service.roleArn) continue;
    world.roles.set(service.roleArn, [
      {
        actions: (service.cognitoActions ?? USER_MANAGEMENT_ACTIONS).map((name) => `cognito-idp:${name}`),
        resources: pools.map((id) => poolArn(world, id)),
      },
    ]);
  }
}

/** How many users were signed in to the old pool when the cutover started, their tokens issued 5 minutes apart. */
const SIGNED_IN = 12;

/**
 * Users who signed in to the old pool in the hour before the cutover starts: each token was issued
 * through the app client and is valid for its access token validity, so the last of them outlives
 * the switch by most of an hour.
 */
function seedSessions(world: World, plan: Plan): void {
  const oldPool = world.pools.get(plan.oldPool.userPoolId);
  const validity = Math.max(
    ...[...(oldPool?.clients.values() ?? [])].map((c) => c.accessTokenValidityMinutes),
  );
  if (!oldPool || !Number.isFinite(validity)) return;
  for (let i = 0; i < SIGNED_IN; i++) {
    const issuedAt = START - i * 5 * 60_000;
    world.sessions.push({ poolArn: oldPool.arn, issuedAt, expiresAt: issuedAt + validity * 60_000 });
  }
}

/**
 * The old pool's ordinary users, and who of them reaches the new pool while the record serves it
 * (src/sandbox/arrivals.ts). Called after the DNS is seeded: the record as seeded serves the old pool.
 */
function seedArrivals(world: World, plan: Plan): void {
  const oldPool = world.pools.get(plan.oldPool.userPoolId);
  if (!oldPool) return;
  for (let n = 1; n <= PEOPLE; n++) {
    const username = `person-${String(n).padStart(2, '0')}@example.org`;
    oldPool.users.set(username, {
      username,
      sub: `00000000-0000-4000-b000-${n.toString(16).padStart(12, '0')}`,
      password: `${SANDBOX_SECRET_MARK}-person-${n}`,
      attributes: { email: username, email_verified: 'true', 'custom:tenant': 'tis' },
      status: 'CONFIRMED',
      enabled: true,
      groups: ['usermanagement-editors'],
      createdAt: CREATED,
    });
  }
  const record = {
    zoneId: plan.dns.hostedZoneId.replace(/^\/hostedzone\//, ''),
    recordName: dnsName(plan.dns.recordName),
    recordType: plan.dns.recordType,
  };
  world.arrivals = {
    ...record,
    before: answerNow(world, record),
    oldPoolId: plan.oldPool.userPoolId,
    newPoolId: plan.newPool.userPoolId,
    legacySubAttribute: DEFAULT_LEGACY_SUB_ATTRIBUTE,
    done: { migrates: 0, signsUp: 0, changesPassword: 0 },
  };
}

/** What the health checks call: endpoints, alarms, and the canary's user and secret. */
function seedHealth(world: World, plan: Plan): void {
  for (const check of plan.health.checks) {
    if (check.kind === 'http') world.endpoints.push({ url: check.url, expectStatus: check.expectStatus });
    if (check.kind === 'cognito-sign-in') seedCanary(world, plan, check.canarySecretId);
    if (check.kind !== 'cloudwatch-alarm') continue;
    for (const name of check.alarmNames) {
      world.alarms.set(name, {
        name,
        arn: `arn:aws:cloudwatch:${world.region}:${world.accountId}:alarm:${name}`,
      });
    }
  }
}

function seedLedger(world: World, table: string): void {
  world.tables.set(table, {
    name: table,
    arn: `arn:aws:dynamodb:${world.region}:${world.accountId}:table/${table}`,
    hashKey: 'pk',
    rangeKey: 'sk',
    items: new Map(),
  });
}

function seedDns(world: World, plan: Plan, options: WorldOptions): void {
  const id = plan.dns.hostedZoneId.replace(/^\/hostedzone\//, '');
  const name = dnsName(plan.dns.recordName);
  const apex = zoneApex(name, plan.dns.recordType);
  const target = plan.dns.target;
  const shape = options.recordShape ?? ('values' in target ? 'values' : 'alias');
  const ns = [1, 2, 3, 4].map((i) => ({ Value: `ns-${i}.awsdns-0${i}.org.` }));
  const records: ResourceRecordSet[] = [
    { Name: apex, Type: 'NS', TTL: 172_800, ResourceRecords: ns },
    {
      Name: apex,
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [
        { Value: 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' },
      ],
    },
  ];
  const expected = plan.dns.expected;
  if (shape === 'alias-in-zone') {
    const origin = `origin.${apex}`;
    records.push(
      {
        Name: origin,
        Type: plan.dns.recordType,
        TTL: options.recordTtl ?? 300,
        ResourceRecords: [{ Value: plan.dns.recordType === 'CNAME' ? `old.${apex}` : '192.0.2.50' }],
      },
      {
        Name: name,
        Type: plan.dns.recordType,
        AliasTarget: { DNSName: origin, HostedZoneId: id, EvaluateTargetHealth: false },
      },
    );
  } else if (shape === 'alias') {
    const planned = 'aliasDnsName' in target ? dnsName(target.aliasDnsName) : '';
    const old =
      expected && 'aliasDnsName' in expected
        ? dnsName(expected.aliasDnsName)
        : planned === 'dold.cloudfront.net.'
          ? 'dold0.cloudfront.net.'
          : 'dold.cloudfront.net.';
    records.push({
      Name: name,
      Type: plan.dns.recordType,
      AliasTarget: {
        DNSName: options.driftDns ? 'ddrifted.cloudfront.net.' : old,
        HostedZoneId: 'aliasHostedZoneId' in target ? target.aliasHostedZoneId : 'Z2FDTNDATAQYW2',
        EvaluateTargetHealth: false,
      },
    });
  } else {
    const planned = 'values' in target ? target.values : [];
    const candidates =
      plan.dns.recordType === 'CNAME'
        ? [`old.${apex}`, `old0.${apex}`]
        : plan.dns.recordType === 'AAAA'
          ? ['2001:db8::10', '2001:db8::11']
          : ['192.0.2.10', '192.0.2.11'];
    const values =
      expected && 'values' in expected
        ? expected.values
        : [candidates.find((v) => !planned.includes(v)) ?? 'old'];
    records.push({
      Name: name,
      Type: plan.dns.recordType,
      TTL: options.recordTtl ?? 300,
      ResourceRecords: (options.driftDns ? ['198.51.100.99'] : values).map((Value) => ({ Value })),
    });
  }
  if (options.recordRouting === 'weighted') {
    const simple = records.findIndex((r) => r.Name === name && r.Type === plan.dns.recordType);
    const record = records[simple];
    if (record) {
      const other = record.AliasTarget
        ? { AliasTarget: { ...record.AliasTarget, DNSName: 'dgreen.cloudfront.net.' } }
        : { ResourceRecords: [{ Value: plan.dns.recordType === 'CNAME' ? `green.${apex}` : '192.0.2.77' }] };
      records.splice(
        simple,
        1,
        { ...record, SetIdentifier: 'blue', Weight: 90, HealthCheckId: 'hc-blue' },
        { ...record, ...other, SetIdentifier: 'green', Weight: 10 },
      );
    }
  }
  world.zones.set(id, { id, name: apex, records: sortRecords(records) });
}

/** A canary user of the old pool, its credentials in Secrets Manager as the check expects them. */
function seedCanary(world: World, plan: Plan, secretId: string): void {
  const oldPool = world.pools.get(plan.oldPool.userPoolId);
  if (!oldPool || world.secrets.has(secretId)) return;
  const n = world.secrets.size + 1;
  const username = `cutover-canary-${n}@${dnsName(plan.dns.recordName).replace(/\.$/, '')}`;
  const password = `${SANDBOX_SECRET_MARK}-canary-${n}-${plan.migrationId.length}!`;
  seedSecret(world, secretId, JSON.stringify({ username, password }));
  oldPool.users.set(username, {
    username,
    sub: `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`,
    password,
    attributes: {
      email: username,
      email_verified: 'true',
      given_name: 'Cutover',
      family_name: 'Canary',
      'custom:tenant': 'tis',
    },
    status: 'CONFIRMED',
    enabled: true,
    // A reviewer: a migrated canary whose token lacks the group would show the copy broken.
    groups: ['reval-reviewers'],
    createdAt: CREATED,
  });
}

function invokePolicy(functionArn: string, sourceArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'default',
    Statement: [
      {
        Sid: 'cognito-user-migration',
        Effect: 'Allow',
        Principal: { Service: 'cognito-idp.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: functionArn,
        Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
      },
    ],
  });
}

/** What the plan does not change, by the label's kind. */
const OTHER_RESOURCES: Record<string, (world: World, ref: string) => boolean> = {
  'route53-hosted-zone': (world, ref) => world.zones.delete(ref.replace(/^\/hostedzone\//, '')),
  'ecs-cluster': (world, ref) => world.clusters.delete(ref),
  'cognito-user-pool': (world, ref) => world.pools.delete(ref),
  'cognito-user-pool-client': (world, ref) => {
    const [pool, client] = splitOnce(ref);
    return world.pools.get(pool)?.clients.delete(client) ?? false;
  },
  'cognito-user': (world, ref) => {
    const [pool, user] = splitOnce(ref);
    return world.pools.get(pool)?.users.delete(user) ?? false;
  },
  'cloudwatch-alarm': (world, ref) => world.alarms.delete(ref),
  'sns-topic': (world, ref) => world.topics.delete(ref),
  'dynamodb-table': (world, ref) => world.tables.delete(ref),
};

/** Removes the resource a label names; false when it names nothing. */
function leaveOut(world: World, label: string): boolean {
  const [kind, ref] = splitLabel(label);
  if (isResourceKind(kind)) return sandboxKinds[kind].leaveOut(world, ref);
  return OTHER_RESOURCES[kind]?.(world, ref) ?? false;
}
