import { BINDING_KINDS, FREEZE_KINDS, kinds, RESOURCE_KINDS, type ResourceKind } from '../kinds/index.ts';
import type { Area } from './grants.ts';

/**
 * What each function's code can send to AWS, as `<Service>:<Command>` (the SDK client and command
 * class names without their `Client`/`Command` suffix). Each function's IAM role is derived from
 * this list (src/iam/roles.ts), so it must name every command the handler's bundle can send and
 * nothing more: test/iam/manifest.test.ts follows each handler's imports, finds every
 * `new …Command(` they reach, and fails when this list and the code disagree.
 *
 * The test works per file, so a function is granted everything the modules it loads can send, even
 * code paths it never takes. The groups below name the modules that make a list long.
 */

const NONE: readonly string[] = [];

// src/ledger/: one module per kind of item, so a function is granted the verbs of the items it touches.
/** The lock (lock.ts): read, taken and released in place. */
const LEDGER_LOCK = ['DynamoDB:GetItem', 'DynamoDB:UpdateItem'];
/** The plan kept with the migration (plan.ts). */
const LEDGER_PLAN = ['DynamoDB:GetItem', 'DynamoDB:PutItem'];
/** Notices sent (notices.ts): looked up, listed and recorded. */
const LEDGER_NOTICES = ['DynamoDB:GetItem', 'DynamoDB:PutItem', 'DynamoDB:Query'];
/** Changes (changes.ts), and with them every step that changes or restores a resource. */
const LEDGER = ['DynamoDB:GetItem', 'DynamoDB:PutItem', 'DynamoDB:Query', 'DynamoDB:UpdateItem'];
/** Finding a cutover's waiting go/no-go in Systems Manager Automation and cancelling it. */
const APPROVAL_CLOSE = [
  'SSM:DescribeAutomationExecutions',
  'SSM:GetAutomationExecution',
  'SSM:StopAutomationExecution',
];

// Each kind's adapter sends its reads (src/resources/reads/) and its writes (src/resources/), as its
// descriptor lists them (src/kinds/): a step that applies or restores a kind loads both. Only rollback
// loads them all, since it restores whatever the ledger holds. Preflight loads only the reads.
const reads = (of: readonly ResourceKind[]) => of.flatMap((kind) => kinds[kind].commands.read);
const readsAndWrites = (of: readonly ResourceKind[]) =>
  of.flatMap((kind) => [...kinds[kind].commands.read, ...kinds[kind].commands.write]);
const DNS = readsAndWrites(['route53-record']);
const FREEZES = readsAndWrites(FREEZE_KINDS);
const BINDINGS = readsAndWrites(BINDING_KINDS);
const ALL_READS = reads(RESOURCE_KINDS);
const ALL = readsAndWrites(RESOURCE_KINDS);

/** src/steps/checks/canary-ready.ts: the canary's secret and its user in the old pool. */
const CANARY_READ = ['CognitoIdentityProvider:AdminGetUser', 'SecretsManager:GetSecretValue'];

/** src/steps/core/pools.ts: the pools' ARNs and the new pool's triggers. */
const POOLS = ['CognitoIdentityProvider:DescribeUserPool'];

/** src/steps/core/move-user.ts: one user read in the old pool and created, reset and grouped in the new. */
const MOVE_USER = [
  'CognitoIdentityProvider:AdminAddUserToGroup',
  'CognitoIdentityProvider:AdminCreateUser',
  'CognitoIdentityProvider:AdminGetUser',
  'CognitoIdentityProvider:AdminListGroupsForUser',
  'CognitoIdentityProvider:AdminResetUserPassword',
  'CognitoIdentityProvider:AdminSetUserPassword',
];

/** One sorted list without repeats, so the test can compare it with what the code sends as is. */
const commands = (...groups: (readonly string[])[]): readonly string[] => [...new Set(groups.flat())].sort();

/** Per function key of serverless.yml's `functions:`. */
export const FUNCTION_COMMANDS = {
  validatePlan: NONE,
  // src/steps/acquire-lock.ts: whether the execution holding the lock still runs.
  acquireLock: commands(LEDGER, ['SFN:DescribeExecution']),
  // Preflight only reads: it loads each adapter's read side, never its write, nor the ledger.
  preflight: commands(ALL_READS, CANARY_READ, POOLS, [
    'CloudWatch:DescribeAlarms',
    'SNS:GetTopicAttributes',
    // src/steps/checks/migration-wiring.ts: the triggers are wired and allowed to run.
    'CognitoIdentityProvider:DescribeUserPoolClient',
    'IAM:SimulatePrincipalPolicy',
    'Lambda:GetPolicy',
    // src/steps/checks/groups.ts: the old pool's groups exist in the new one.
    'CognitoIdentityProvider:ListGroups',
    // src/steps/checks/grace-window.ts: how long the old pool's clients' tokens live.
    'CognitoIdentityProvider:ListUserPoolClients',
    // src/steps/checks/pool-fit.ts: whether old-pool users may have an authenticator app to enrol again.
    'CognitoIdentityProvider:GetUserPoolMfaConfig',
    // src/steps/checks/function-ready.ts: the aliases a bound function is invoked through.
    'Lambda:ListAliases',
  ]),
  notify: commands(LEDGER_NOTICES, ['SNS:Publish']),
  prepareDns: commands(LEDGER, DNS),
  checkDnsSync: commands(['Route53:GetChange']),
  restrictWrites: commands(LEDGER, FREEZES),
  switchDns: commands(LEDGER, DNS),
  switchServices: commands(LEDGER, BINDINGS, POOLS),
  // src/steps/retire-old-issuer.ts: the bindings again, without the old pool.
  retireOldIssuer: commands(LEDGER, BINDINGS, POOLS),
  // src/steps/check-services.ts: redeploys and function updates; an alias is published and moved once
  // its function's update has finished (src/resources/lambda-update.ts).
  checkServices: commands(reads(['ecs-service', 'lambda-environment']), [
    'Lambda:PublishVersion',
    'Lambda:UpdateAlias',
  ]),
  checkHealth: commands(CANARY_READ, [
    'CloudWatch:DescribeAlarms',
    // src/steps/checks/canary.ts: signs the canary in through the new pool (with the app client's secret,
    // src/aws/secret-hash.ts, when it has one), then deletes it there.
    'CognitoIdentityProvider:AdminDeleteUser',
    'CognitoIdentityProvider:DescribeUserPoolClient',
    'CognitoIdentityProvider:InitiateAuth',
  ]),
  releaseWrites: commands(LEDGER, FREEZES),
  restoreTtl: commands(LEDGER, DNS),
  releaseLock: commands(LEDGER_LOCK),
  // src/approval/waiting.ts: a go/no-go left waiting in the console is cancelled.
  rollback: commands(LEDGER, ALL, APPROVAL_CLOSE),
  planReport: commands(['SNS:Publish']),
  // With approvers, the go/no-go is also a Systems Manager Automation approval (src/approval/).
  requestApproval: commands(['SNS:Publish', 'SSM:StartAutomationExecution']),
  userMigration: commands([
    'CognitoIdentityProvider:AdminGetUser',
    'CognitoIdentityProvider:AdminInitiateAuth',
    // The old migration client's secret, when it has one (src/aws/secret-hash.ts).
    'CognitoIdentityProvider:DescribeUserPoolClient',
  ]),
  // src/triggers/groups.ts: a migrated user's groups, read in the old pool (by name, or by their old
  // sub), added in the new one.
  preTokenGeneration: commands([
    'CognitoIdentityProvider:AdminAddUserToGroup',
    'CognitoIdentityProvider:AdminListGroupsForUser',
    'CognitoIdentityProvider:ListUsers',
  ]),
  loadMigration: commands(LEDGER_PLAN),
  releaseAfterRollback: commands(LEDGER_LOCK),
  // src/steps/count-gained.ts: the new pool's users, page by page; each one gained is recorded
  // (src/ledger/gained.ts, which also lists them for the CLI).
  countGained: commands(['CognitoIdentityProvider:ListUsers', 'DynamoDB:PutItem', 'DynamoDB:Query']),
  // src/steps/core/move-user.ts: the old user and their groups; created in the new pool, its password
  // reset, added to the groups; a user already there is read to finish a move that stopped half way.
  migrateUser: MOVE_USER,
  // Whether users were told of the cut-off (`cutover sweep --announce` tells them), and how large the
  // old pool is, to shard it.
  startSweep: commands(LEDGER_NOTICES, ['CognitoIdentityProvider:DescribeUserPool']),
  // src/steps/sweep-users.ts: a shard of the old pool page by page, each user moved (or, as a dry-run,
  // looked up in the new pool); who was not moved whole is kept in the ledger (src/ledger/swept.ts).
  sweepUsers: commands(MOVE_USER, [
    'CognitoIdentityProvider:ListUsers',
    'DynamoDB:PutItem',
    'DynamoDB:Query',
  ]),
  // src/steps/sweep-report.ts: the totals kept in the ledger, and the operators told.
  sweepReport: commands(['DynamoDB:PutItem', 'DynamoDB:Query', 'SNS:Publish']),
  // src/steps/count-progress.ts: both pools' sizes, the new pool's sign-ins, the last sweep's count.
  countProgress: commands([
    'CloudWatch:GetMetricData',
    'CognitoIdentityProvider:DescribeUserPool',
    'DynamoDB:Query',
  ]),
} satisfies Record<string, readonly string[]>;

/**
 * Which of the plan's resources each function's step works on (src/iam/grants.ts): of two
 * functions that send one command, each is granted it on its own resources only.
 */
export const FUNCTION_AREAS: Record<keyof typeof FUNCTION_COMMANDS, readonly Area[]> = {
  validatePlan: [],
  acquireLock: [],
  // Reads everything it checks: the freeze's targets, the bindings, the canary, both pools' clients
  // and the triggers (src/steps/preflight.ts).
  preflight: ['freeze', 'bindings', 'canary', 'triggers', 'oldPool', 'newPool'],
  notify: [],
  prepareDns: [],
  checkDnsSync: [],
  restrictWrites: ['freeze'],
  switchDns: [],
  switchServices: ['bindings'],
  retireOldIssuer: ['bindings'],
  checkServices: ['bindings'],
  // Signs the canary in through the new pool's client.
  checkHealth: ['canary', 'newPool'],
  releaseWrites: ['freeze'],
  restoreTtl: [],
  releaseLock: [],
  // Restores whatever the ledger holds: the freeze, the bindings, and what retiring the old pool changed
  // (the old pool's app clients).
  rollback: ['freeze', 'bindings', 'oldPool'],
  planReport: [],
  requestApproval: [],
  // Signs users in on the old pool through its migration client.
  userMigration: ['oldPool'],
  // Reads the migrated user's groups in the old pool, adds them in the new one.
  preTokenGeneration: ['oldPool', 'newPool'],
  loadMigration: [],
  releaseAfterRollback: [],
  // Lists the new pool's users.
  countGained: ['newPool'],
  // Reads a user of the new pool to finish a move that stopped half way.
  migrateUser: ['movedUsers'],
  startSweep: [],
  // Lists the old pool's users, reads the new pool's.
  sweepUsers: ['oldPool', 'movedUsers'],
  sweepReport: [],
  countProgress: [],
};
