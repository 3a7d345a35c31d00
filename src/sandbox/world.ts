import type { ExplicitAuthFlowsType } from '@aws-sdk/client-cognito-identity-provider';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Plan } from '../plan/schema.ts';
import { shortId } from './core.ts';
import { dnsName, sortRecords, zoneApex } from './services/route53.ts';

export interface WorldOptions {
  ledgerTable?: string;
  /** TTL of the record when it holds values (alias records have none). */
  recordTtl?: number;
  /**
   * The record's shape before the cutover; by default the shape of `plan.dns.target`.
   * `alias-in-zone`: an alias to another record of the zone, whose TTL (`recordTtl`) it answers with.
   */
  recordShape?: 'alias' | 'values' | 'alias-in-zone';
  /** The record is the `blue` member (weight 90, a health check) of a weighted set with `green` (weight 10). */
  recordRouting?: 'weighted';
  /** The record holds something other than the plan's dns.expected: someone changed it. */
  driftDns?: boolean;
  /** The reference incident: the migration function has no permission for Cognito to invoke it. */
  denyInvoke?: boolean;
  /** The new pool's app client allows only SRP, which sends the trigger no password. */
  srpOnlyClient?: boolean;
  /** Both app clients are confidential: they have a secret, and refuse a sign-in without SECRET_HASH. */
  confidentialClients?: boolean;
  /** The reference incident: the migration function's role may not call AdminInitiateAuth on the old pool. */
  denyOldPoolAuth?: boolean;
  dnsPropagationSeconds?: number;
  ecsStabilizeSeconds?: number;
  /** Seconds a Lambda configuration update stays InProgress (LastUpdateStatus). */
  functionUpdateSeconds?: number;
  /**
   * Each function a binding names is invoked through this alias: version 1 is published from its
   * configuration and the alias points at it, so changing $LATEST alone changes nothing it serves.
   */
  functionAlias?: string;
  accountId?: string;
  /** Bytes of other keys (a certificate, say) in each JSON secret a binding names. */
  secretPaddingBytes?: number;
  /** SSM parameters (bindings' names) that are SecureStrings, encrypted with a customer managed key. */
  secureStrings?: string[];
  /** Resource labels (as `snapshot()` uses them) to leave out of the world, so preflight has something to find. */
  missing?: string[];
}

export interface UserPoolClient {
  clientId: string;
  clientName: string;
  explicitAuthFlows: ExplicitAuthFlowsType[];
  /** Sign-in failures all read "Incorrect username or password", as in the reference incident. */
  preventUserExistenceErrors: boolean;
  /** A confidential client's secret: every sign-in through it must send SECRET_HASH. */
  clientSecret?: string;
}
export interface PoolUser {
  username: string;
  sub: string;
  password: string;
  attributes: Record<string, string>;
  status: 'CONFIRMED' | 'RESET_REQUIRED' | 'FORCE_CHANGE_PASSWORD';
  enabled: boolean;
  groups: string[];
  createdAt: number;
}
export interface UserPool {
  id: string;
  name: string;
  arn: string;
  lambdaConfig: Record<string, string>;
  clients: Map<string, UserPoolClient>;
  /** By username. */
  users: Map<string, PoolUser>;
  createdAt: number;
}

export interface HostedZone {
  id: string;
  name: string;
  /** Names lower-case with a trailing dot and unescaped; escaped only on the way out. */
  records: ResourceRecordSet[];
}
export interface DnsChange {
  id: string;
  submittedAt: number;
  status: 'PENDING' | 'INSYNC';
  comment?: string;
}

export interface Authorizer {
  id: string;
  name: string;
  providerARNs: string[];
}
export interface Stage {
  stageName: string;
  deploymentId: string;
  createdAt: number;
  lastUpdatedAt: number;
}
/** What a deployment serves: a policy or authorizer change is live only once deployed. */
export interface Deployment {
  id: string;
  description?: string;
  createdAt: number;
  policy?: string;
  providerARNs: Record<string, string[]>;
}
export interface RestApi {
  id: string;
  name: string;
  createdAt: number;
  /** Stored minified and unescaped; GetRestApi escapes it. */
  policy?: string;
  authorizers: Map<string, Authorizer>;
  stages: Map<string, Stage>;
  deployments: Map<string, Deployment>;
}

export interface ParameterVersion {
  value: string;
  type: 'String' | 'StringList' | 'SecureString';
  version: number;
  /** The KMS key a SecureString is encrypted with. */
  keyId?: string;
  lastModified: number;
}
/** The current version, and the ones before it (SSM keeps the last 100). */
export interface Parameter extends ParameterVersion {
  name: string;
  history: ParameterVersion[];
}

export interface SecretVersion {
  value: string;
  /** Staging labels: AWSCURRENT on the version reads return, AWSPREVIOUS on the one before. */
  stages: string[];
  createdAt: number;
}
export interface Secret {
  name: string;
  arn: string;
  /** Every version, by id. */
  versions: Record<string, SecretVersion>;
  createdAt: number;
  lastChangedAt: number;
}

/** The version labelled AWSCURRENT, which a read returns. */
export function currentVersion(secret: Secret): { versionId: string; value: string } {
  const [versionId, version] =
    Object.entries(secret.versions).find(([, v]) => v.stages.includes('AWSCURRENT')) ?? [];
  return { versionId: versionId ?? '', value: version?.value ?? '' };
}

/** What a read of the secret returns now, or undefined for no secret. */
export const secretValue = (secret: Secret | undefined): string | undefined =>
  secret && currentVersion(secret).value;

/** A secret as it was created, its first version AWSCURRENT; `n` numbers it for stable ids. */
function newSecret(world: World, name: string, value: string): Secret {
  const n = world.secrets.size + 1;
  const secret: Secret = {
    name,
    arn: `arn:aws:secretsmanager:${world.region}:${world.accountId}:secret:${name}-${n.toString(36).padStart(6, 'a')}`,
    versions: {
      [`00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`]: {
        value,
        stages: ['AWSCURRENT'],
        createdAt: CREATED,
      },
    },
    createdAt: CREATED,
    lastChangedAt: CREATED,
  };
  world.secrets.set(name, secret);
  return secret;
}

/** A published version: its configuration is frozen when it is published. */
export interface LambdaVersion {
  version: string;
  variables: Record<string, string>;
  codeSha256: string;
  lastModified: number;
}

export interface LambdaAlias {
  name: string;
  /** A version number, or `$LATEST`. */
  version: string;
  revision: number;
  /** Weighted routing: another version and the share of invocations it gets. */
  routing?: Record<string, number>;
}

export interface LambdaFunction {
  name: string;
  arn: string;
  variables: Record<string, string>;
  /** Stands for the deployment package of $LATEST: a published version keeps the one it was published with. */
  codeSha256: string;
  lastModified: number;
  revision: number;
  /** Until when the last update is InProgress; no other update or publish is accepted meanwhile. */
  updatingUntil?: number;
  /** Published versions, oldest first (version `1` first). */
  versions: LambdaVersion[];
  aliases: Map<string, LambdaAlias>;
  /** The resource policy, when something (Cognito) may invoke it. */
  policy?: string;
  /** The project's trigger this function runs when Cognito invokes it in the sandbox. */
  runs?: 'user-migration' | 'pre-token-generation';
}

export interface EcsDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  rolloutState: 'IN_PROGRESS' | 'COMPLETED';
  taskDefinition: string;
  desiredCount: number;
  createdAt: number;
  updatedAt: number;
}
export interface EcsService {
  name: string;
  arn: string;
  clusterArn: string;
  taskDefinition: string;
  desiredCount: number;
  createdAt: number;
  deployments: EcsDeployment[];
  /** Newest first, as DescribeServices lists them. */
  events: { id: string; createdAt: number; message: string }[];
}
export interface Cluster {
  name: string;
  arn: string;
  services: Map<string, EcsService>;
}

export interface Alarm {
  name: string;
  arn: string;
}

/** A Step Functions execution as DescribeExecution reports it; the local runner keeps these up to date. */
export interface Execution {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
}

export interface Message {
  topicArn: string;
  subject?: string;
  message: string;
  at: number;
}

export interface Table {
  name: string;
  arn: string;
  hashKey: string;
  rangeKey: string;
  items: Map<string, Record<string, AttributeValue>>;
}

export interface World {
  region: string;
  accountId: string;
  dnsPropagationSeconds: number;
  ecsStabilizeSeconds: number;
  functionUpdateSeconds: number;
  /** Feeds every generated id, so a rehearsal prints the same ids each run. */
  counter: number;
  pools: Map<string, UserPool>;
  zones: Map<string, HostedZone>;
  dnsChanges: Map<string, DnsChange>;
  restApis: Map<string, RestApi>;
  parameters: Map<string, Parameter>;
  secrets: Map<string, Secret>;
  functions: Map<string, LambdaFunction>;
  clusters: Map<string, Cluster>;
  alarms: Map<string, Alarm>;
  topics: Set<string>;
  /** IAM actions no role in this account may call (a simple model of a missing grant). */
  deniedActions: Set<string>;
  messages: Message[];
  tables: Map<string, Table>;
  /** HTTP endpoints the health checks call; the dispatcher answers them. */
  endpoints: { url: string; expectStatus: number }[];
  /** The executions rehearsed in this world, by ARN, so a lock's holder can be looked up. */
  executions: Map<string, Execution>;
}

export const START = Date.parse('2026-01-15T09:00:00Z');
/** The customer managed key a seeded SecureString is encrypted with. */
export const SANDBOX_PARAMETER_KEY =
  'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** Every secret value the world seeds contains this, so a test can search every output for a leak. */
export const SANDBOX_SECRET_MARK = 'Sandbox-Secret-Value';
/** Resources existed long before the rehearsal starts. */
const CREATED = Date.parse('2025-06-01T12:00:00Z');

export function emptyWorld(region: string, accountId: string): World {
  return {
    region,
    accountId,
    dnsPropagationSeconds: 20,
    ecsStabilizeSeconds: 5,
    functionUpdateSeconds: 2,
    counter: 0,
    pools: new Map(),
    zones: new Map(),
    dnsChanges: new Map(),
    restApis: new Map(),
    parameters: new Map(),
    secrets: new Map(),
    functions: new Map(),
    clusters: new Map(),
    alarms: new Map(),
    topics: new Set(),
    deniedActions: new Set(),
    messages: [],
    tables: new Map(),
    endpoints: [],
    executions: new Map(),
  };
}

export const poolArn = (world: World, id: string) =>
  `arn:aws:cognito-idp:${world.region}:${world.accountId}:userpool/${id}`;
export const functionArn = (world: World, name: string) =>
  `arn:aws:lambda:${world.region}:${world.accountId}:function:${name}`;
export const clusterArn = (world: World, name: string) =>
  `arn:aws:ecs:${world.region}:${world.accountId}:cluster/${name}`;
export const serviceArn = (world: World, cluster: string, name: string) =>
  `arn:aws:ecs:${world.region}:${world.accountId}:service/${cluster}/${name}`;

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
  const oldArn = poolArn(world, plan.oldPool.userPoolId);
  const migrationArn = functionArn(world, plan.newPool.migrationFunctionName);
  const oldValue = (template: string) =>
    template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) =>
      name === 'newPool.appClientId'
        ? plan.oldPool.migrationClientId
        : name === 'newPool.userPoolArn'
          ? oldArn
          : plan.oldPool.userPoolId,
    );

  const pool = (id: string, name: string, lambdaConfig: Record<string, string>, client: UserPoolClient) =>
    world.pools.set(id, {
      id,
      name,
      arn: poolArn(world, id),
      lambdaConfig,
      clients: new Map([[client.clientId, client]]),
      users: new Map(),
      createdAt: CREATED,
    });
  pool(
    plan.oldPool.userPoolId,
    `${plan.migrationId}-old`,
    {},
    {
      clientId: plan.oldPool.migrationClientId,
      clientName: 'user-migration',
      explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: false,
      ...(options.confidentialClients ? { clientSecret: `${SANDBOX_SECRET_MARK}-old-client-secret` } : {}),
    },
  );
  pool(
    plan.newPool.userPoolId,
    `${plan.migrationId}-new`,
    {
      UserMigration: migrationArn,
      ...(plan.newPool.preTokenGenerationFunctionName
        ? { PreTokenGeneration: functionArn(world, plan.newPool.preTokenGenerationFunctionName) }
        : {}),
    },
    {
      clientId: plan.newPool.appClientId,
      clientName: 'app',
      explicitAuthFlows: options.srpOnlyClient
        ? ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']
        : ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      // What the reference customer had on: it is why nobody saw the real error.
      preventUserExistenceErrors: true,
      ...(options.confidentialClients ? { clientSecret: `${SANDBOX_SECRET_MARK}-new-client-secret` } : {}),
    },
  );

  seedDns(world, plan, options);

  const restApi = (id: string) => {
    const existing = world.restApis.get(id);
    if (existing) return existing;
    const api: RestApi = {
      id,
      name: id,
      createdAt: CREATED,
      authorizers: new Map(),
      stages: new Map(),
      deployments: new Map(),
    };
    world.restApis.set(id, api);
    return api;
  };
  const stage = (api: RestApi, stageName: string) =>
    api.stages.set(stageName, { stageName, deploymentId: '', createdAt: CREATED, lastUpdatedAt: CREATED });
  const parameter = (name: string, value: string) =>
    world.parameters.set(name, {
      name,
      ...(options.secureStrings?.includes(name)
        ? { value: `${SANDBOX_SECRET_MARK}:${value}`, type: 'SecureString', keyId: SANDBOX_PARAMETER_KEY }
        : { value, type: 'String' }),
      version: 1,
      lastModified: CREATED,
      history: [],
    });
  const lambda = (name: string, variables: Record<string, string>, alias?: string) => {
    const existing = world.functions.get(name);
    const fn: LambdaFunction = {
      name,
      arn: functionArn(world, name),
      variables: { ...existing?.variables, ...variables },
      codeSha256: `${name}-package-1`,
      lastModified: CREATED,
      revision: 1,
      versions: [],
      aliases: new Map(),
    };
    if (alias) {
      fn.versions.push({
        version: '1',
        variables: { ...fn.variables },
        codeSha256: fn.codeSha256,
        lastModified: CREATED,
      });
      fn.aliases.set(alias, { name: alias, version: '1', revision: 1 });
    }
    world.functions.set(name, fn);
  };

  for (const item of plan.writeFreeze) {
    if (item.kind === 'ssm-parameter') parameter(item.name, 'false');
    else stage(restApi(item.restApiId), item.stageName);
  }

  // The triggers as serverless.yml deploys them: the migration function knows the old pool.
  lambda(plan.newPool.migrationFunctionName, {
    OLD_USER_POOL_ID: plan.oldPool.userPoolId,
    OLD_POOL_CLIENT_ID: plan.oldPool.migrationClientId,
  });
  const preTokenGeneration = plan.newPool.preTokenGenerationFunctionName;
  if (preTokenGeneration) lambda(preTokenGeneration, { CLAIMS_PREFERRED_USERNAME_FROM: 'email' });
  for (const binding of plan.services.flatMap((s) => s.bindings)) {
    switch (binding.kind) {
      case 'ssm-parameter':
        parameter(binding.name, oldValue(binding.value));
        break;
      case 'secret': {
        const value = oldValue(binding.value);
        // The reference customer's secret keeps its database password beside the pool id: no
        // report, ledger item or notice may carry it, and the cutover must keep it byte for byte.
        newSecret(
          world,
          binding.secretId,
          binding.jsonKey
            ? JSON.stringify({
                [binding.jsonKey]: value,
                region: plan.region,
                databasePassword: `${SANDBOX_SECRET_MARK}-${world.secrets.size + 1}`,
                ...(options.secretPaddingBytes
                  ? { certificate: 'c'.repeat(options.secretPaddingBytes) }
                  : {}),
              })
            : value,
        );
        break;
      }
      case 'lambda-environment':
        lambda(
          binding.functionName,
          {
            ...Object.fromEntries(Object.entries(binding.variables).map(([k, v]) => [k, oldValue(v)])),
            LOG_LEVEL: 'INFO',
          },
          options.functionAlias,
        );
        break;
      case 'apigateway-authorizer': {
        const api = restApi(binding.restApiId);
        if (!api.authorizers.has(binding.authorizerId)) {
          api.authorizers.set(binding.authorizerId, {
            id: binding.authorizerId,
            name: `${plan.migrationId}-cognito`,
            providerARNs: [oldArn],
          });
        }
        stage(api, binding.stageName);
        break;
      }
      case 'ecs-service': {
        const cluster = world.clusters.get(binding.cluster) ?? {
          name: binding.cluster,
          arn: clusterArn(world, binding.cluster),
          services: new Map<string, EcsService>(),
        };
        world.clusters.set(binding.cluster, cluster);
        const taskDefinition = `arn:aws:ecs:${world.region}:${world.accountId}:task-definition/${binding.service}:1`;
        cluster.services.set(binding.service, {
          name: binding.service,
          arn: serviceArn(world, binding.cluster, binding.service),
          clusterArn: cluster.arn,
          taskDefinition,
          desiredCount: 2,
          createdAt: CREATED,
          deployments: [
            {
              id: `ecs-svc/${String(9_000_000_000_000_000_000n + BigInt(cluster.services.size))}`,
              status: 'PRIMARY',
              rolloutState: 'COMPLETED',
              taskDefinition,
              desiredCount: 2,
              createdAt: CREATED,
              updatedAt: CREATED,
            },
          ],
          events: [],
        });
        break;
      }
    }
  }
  // One deployment per API, made once its authorizers exist, serves every stage.
  for (const api of world.restApis.values()) {
    const id = shortId(world, 6);
    const providerARNs = Object.fromEntries(
      [...api.authorizers.values()].map((a) => [a.id, [...a.providerARNs]]),
    );
    api.deployments.set(id, { id, createdAt: CREATED, providerARNs });
    for (const s of api.stages.values()) s.deploymentId = id;
  }
  const migration = world.functions.get(plan.newPool.migrationFunctionName);
  if (options.denyOldPoolAuth) world.deniedActions.add('cognito-idp:AdminInitiateAuth');
  if (migration) {
    migration.runs = 'user-migration';
    if (!options.denyInvoke)
      migration.policy = invokePolicy(migration.arn, poolArn(world, plan.newPool.userPoolId));
  }
  const claims = preTokenGeneration ? world.functions.get(preTokenGeneration) : undefined;
  if (claims) {
    claims.runs = 'pre-token-generation';
    claims.policy = invokePolicy(claims.arn, poolArn(world, plan.newPool.userPoolId));
  }

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
  world.topics.add(plan.notify.usersTopicArn).add(plan.notify.operatorsTopicArn);

  const table = options.ledgerTable ?? 'cognito-cutover-ledger';
  world.tables.set(table, {
    name: table,
    arn: `arn:aws:dynamodb:${world.region}:${world.accountId}:table/${table}`,
    hashKey: 'pk',
    rangeKey: 'sk',
    items: new Map(),
  });

  for (const label of options.missing ?? []) {
    if (!leaveOut(world, label))
      throw new Error(`WorldOptions.missing: ${label} names nothing in the sandbox's world`);
  }
  return world;
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
  newSecret(world, secretId, JSON.stringify({ username, password }));
  oldPool.users.set(username, {
    username,
    sub: `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`,
    password,
    attributes: { email: username, email_verified: 'true', given_name: 'Cutover', family_name: 'Canary' },
    status: 'CONFIRMED',
    enabled: true,
    groups: [],
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

/** Removes the resource a label names; false when it names nothing. */
function leaveOut(world: World, label: string): boolean {
  const colon = label.indexOf(':');
  const kind = label.slice(0, colon);
  const ref = label.slice(colon + 1);
  const [first = '', second = ''] = splitOnce(ref);
  switch (kind) {
    case 'route53-record': {
      const zoneRef = ref.replace(/^\/hostedzone\//, '');
      const [zoneId = '', rest = ''] = splitOnce(zoneRef);
      const type = rest.slice(rest.lastIndexOf('/') + 1);
      const name = dnsName(rest.slice(0, rest.lastIndexOf('/')));
      const zone = world.zones.get(zoneId);
      const before = zone?.records.length ?? 0;
      if (zone) zone.records = zone.records.filter((r) => !(r.Name === name && r.Type === type));
      return (zone?.records.length ?? 0) < before;
    }
    case 'route53-hosted-zone':
      return world.zones.delete(ref.replace(/^\/hostedzone\//, ''));
    case 'apigateway-policy':
      return world.restApis.delete(ref);
    case 'apigateway-authorizer':
      return world.restApis.get(first)?.authorizers.delete(second) ?? false;
    case 'ssm-parameter':
      return world.parameters.delete(ref);
    case 'secret':
      return world.secrets.delete(ref);
    case 'lambda-environment':
      return world.functions.delete(ref);
    case 'ecs-service':
      return world.clusters.get(first)?.services.delete(second) ?? false;
    case 'ecs-cluster':
      return world.clusters.delete(ref);
    case 'cognito-user-pool':
      return world.pools.delete(ref);
    case 'cognito-user-pool-client':
      return world.pools.get(first)?.clients.delete(second) ?? false;
    case 'cognito-user':
      return world.pools.get(first)?.users.delete(second) ?? false;
    case 'cloudwatch-alarm':
      return world.alarms.delete(ref);
    case 'sns-topic':
      return world.topics.delete(ref);
    case 'dynamodb-table':
      return world.tables.delete(ref);
    default:
      return false;
  }
}

function splitOnce(ref: string): [string, string] {
  const slash = ref.indexOf('/');
  return slash < 0 ? [ref, ''] : [ref.slice(0, slash), ref.slice(slash + 1)];
}
