import type { ExplicitAuthFlowsType, SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { ApprovalDocument } from '../approval/document.ts';

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
  /** Each dependent service's role (`services[].roleArn`) still names only the old pool's ARN. */
  serviceRoleDenied?: boolean;
  /** The new pool lacks one of the old pool's groups. */
  missingGroup?: boolean;
  /** The new pool's schema lacks a custom attribute the old pool's users carry. */
  attributeMismatch?: boolean;
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
  /** The attributes the client may read; undefined, as Cognito leaves it, when it may read them all. */
  readAttributes?: string[];
  /** How long the access and ID tokens it issues are valid, in minutes (Cognito's default: 60). */
  accessTokenValidityMinutes: number;
  idTokenValidityMinutes: number;
  /** Signs users in through managed login (OAuth flows); off unless set. */
  oauth?: boolean;
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
  /** When the password, an attribute or the status last changed; createdAt until then. */
  modifiedAt?: number;
  /** Came to the new pool by their own sign-in or sign-up (src/sandbox/arrivals.ts), not by a step. */
  arrived?: true;
}
/** A list read a slice at a time: an array, or names worked out as they are asked for. */
export interface Listing {
  length: number;
  slice(start: number, end: number): string[];
}

/**
 * A pool's users by name, counting every addition and removal, so a listing of many pages (ListUsers
 * with a filter) can be computed once per version of the membership rather than once per page.
 */
export class UserMap extends Map<string, PoolUser> {
  version = 0;

  /**
   * The names of the users whose sub starts with `prefix`, when the map can tell without reading
   * every user (src/sandbox/population.ts); undefined otherwise.
   */
  subPrefix(_prefix: string): Listing | undefined {
    return undefined;
  }

  override set(username: string, user: PoolUser): this {
    this.version += 1;
    return super.set(username, user);
  }

  override delete(username: string): boolean {
    this.version += 1;
    return super.delete(username);
  }

  override clear(): void {
    this.version += 1;
    super.clear();
  }
}

export interface UserPool {
  id: string;
  name: string;
  arn: string;
  lambdaConfig: Record<string, string>;
  clients: Map<string, UserPoolClient>;
  /** By username. */
  users: UserMap;
  /** By name, in the order they were created. */
  groups: Map<string, PoolGroup>;
  /** Standard and custom attributes, as DescribeUserPool lists them (`custom:` names included). */
  schema: SchemaAttributeType[];
  /** UsernameConfiguration.CaseSensitive. */
  caseSensitive: boolean;
  mfa: 'OFF' | 'ON' | 'OPTIONAL';
  /** Users may enrol an authenticator app (SoftwareTokenMfaConfiguration). */
  totp: boolean;
  /** Whether the pool may be deleted; ACTIVE unless an update turned it off. */
  deletionProtection?: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
}
export interface PoolGroup {
  name: string;
  description: string;
  precedence: number;
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
  /** Which deployment the stage served from when: what a caller met at any moment. */
  history: { at: number; deploymentId: string }[];
}

/**
 * A user signed in before the cutover, whose app keeps calling the APIs the plan's authorizers guard
 * with the token it holds, until the token expires.
 */
export interface Session {
  /** The pool that issued the token: its ARN, as an authorizer names pools. */
  poolArn: string;
  issuedAt: number;
  expiresAt: number;
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
  /** Roles whose identity policies the world holds, by ARN: what they allow, statement by statement. */
  roles: Map<string, RoleStatement[]>;
  messages: Message[];
  tables: Map<string, Table>;
  /** HTTP endpoints the health checks call; the dispatcher answers them. */
  endpoints: { url: string; expectStatus: number }[];
  /** The executions rehearsed in this world, by ARN, so a lock's holder can be looked up. */
  executions: Map<string, Execution>;
  /** Signed-in users calling the guarded APIs through the cutover. */
  sessions: Session[];
  /**
   * When each successful sign-in happened, by `<poolId> <clientId>`: what Cognito publishes as
   * AWS/Cognito SignInSuccesses, and the sandbox's CloudWatch answers GetMetricData from.
   */
  signIns: Map<string, number[]>;
  /** People who reach the new pool while the front end serves it (src/sandbox/arrivals.ts). */
  arrivals?: Arrivals;
  /** Systems Manager Automation runbooks by name (src/sandbox/services/automation.ts). */
  documents: Map<string, ApprovalDocument>;
  /** Their executions, by id. */
  automations: Map<string, Automation>;
  /** The .waitForTaskToken tasks of rehearsed executions, by token, and how they were answered. */
  tasks: Map<string, CallbackTask>;
}

export interface CallbackTask {
  status: 'waiting' | 'succeeded' | 'failed' | 'timedOut';
  output?: string;
  error?: string;
  cause?: string;
}

type RunbookStep = ApprovalDocument['mainSteps'][number];
export interface AutomationStep {
  name: string;
  definition: Omit<RunbookStep, 'inputs'> & {
    inputs?: Record<string, unknown>;
    onFailure?: string;
    nextStep?: string;
    isEnd?: boolean;
    timeoutSeconds?: number;
  };
  status: 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  startedAt?: number;
  failureMessage?: string;
  approval?: {
    approvers: string[];
    min: number;
    decisions: { approver: string; decision: 'Approved' | 'Rejected'; comment: string; at: number }[];
  };
}

export interface Automation {
  id: string;
  documentName: string;
  parameters: Record<string, string[]>;
  /** The StringList parameters, which a whole-value reference passes as a list. */
  listParameters: string[];
  status: 'InProgress' | 'Waiting' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  startedAt: number;
  current?: string;
  failureMessage?: string;
  steps: AutomationStep[];
}

export interface Arrivals {
  zoneId: string;
  recordName: string;
  recordType: string;
  /** The record's answer before the cutover: any other answer serves the new pool. */
  before: string;
  oldPoolId: string;
  newPoolId: string;
  legacySubAttribute: string;
  /** When the record started serving the new pool; unset while it serves the old one. */
  servingSince?: number | undefined;
  /** What happened in this serving period, by kind of arrival. */
  done: Record<'migrates' | 'signsUp' | 'changesPassword', number>;
}

/** An Allow statement of a role's identity policy; `*` ends an action or ARN that matches any rest. */
export interface RoleStatement {
  actions: string[];
  resources: string[];
}

export const START = Date.parse('2026-01-15T09:00:00Z');
/** Who the sandbox's calls come from unless told otherwise: an operator's role. */
export const OPERATOR_ARN = 'arn:aws:iam::123456789012:role/cutover-operator';
/** The stage rehearsals deploy as: the approval runbook's name and the role it answers with. */
export const REHEARSAL_STAGE = 'rehearsal';
/** The customer managed key a seeded SecureString is encrypted with. */
export const SANDBOX_PARAMETER_KEY =
  'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** Every secret value the world seeds contains this, so a test can search every output for a leak. */
export const SANDBOX_SECRET_MARK = 'Sandbox-Secret-Value';

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
    roles: new Map(),
    messages: [],
    tables: new Map(),
    endpoints: [],
    executions: new Map(),
    sessions: [],
    signIns: new Map(),
    documents: new Map(),
    automations: new Map(),
    tasks: new Map(),
  };
}

/** The key `signIns` keeps a pool's app client's sign-ins under. */
export const signInKey = (poolId: string, clientId: string) => `${poolId} ${clientId}`;

export const poolArn = (world: World, id: string) =>
  `arn:aws:cognito-idp:${world.region}:${world.accountId}:userpool/${id}`;
export const functionArn = (world: World, name: string) =>
  `arn:aws:lambda:${world.region}:${world.accountId}:function:${name}`;
export const clusterArn = (world: World, name: string) =>
  `arn:aws:ecs:${world.region}:${world.accountId}:cluster/${name}`;
export const serviceArn = (world: World, cluster: string, name: string) =>
  `arn:aws:ecs:${world.region}:${world.accountId}:service/${cluster}/${name}`;
