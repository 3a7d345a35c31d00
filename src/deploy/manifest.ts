/**
 * What each function's code can send to AWS, as `<Service>:<Command>` (the SDK client and command
 * class names without their `Client`/`Command` suffix). Each function's IAM role is derived from
 * this list (src/deploy/roles.ts), so it must name every command the handler's bundle can send and
 * nothing more: test/deploy/manifest.test.ts follows each handler's imports, finds every
 * `new …Command(` they reach, and fails when this list and the code disagree.
 *
 * The test works per file, so a function is granted everything the modules it loads can send, even
 * code paths it never takes. The groups below name the modules that make a list long.
 */

const NONE: readonly string[] = [];

/** src/ledger/ledger.ts: every step that reads or writes the ledger loads all of it. */
const LEDGER = ['DynamoDB:GetItem', 'DynamoDB:PutItem', 'DynamoDB:Query', 'DynamoDB:UpdateItem'];

// Each resource adapter's reads and writes (src/steps/resources/): a step that applies or restores
// a kind loads its adapter. Only rollback loads them all, since it restores whatever the ledger holds.
const DNS = ['Route53:ChangeResourceRecordSets', 'Route53:ListResourceRecordSets'];
const API_POLICY = [
  'APIGateway:CreateDeployment',
  'APIGateway:GetRestApi',
  'APIGateway:GetStage',
  'APIGateway:UpdateRestApi',
];
const AUTHORIZER = [
  'APIGateway:CreateDeployment',
  'APIGateway:GetAuthorizer',
  'APIGateway:GetStage',
  'APIGateway:UpdateAuthorizer',
];
const PARAMETER = ['SSM:DeleteParameter', 'SSM:GetParameter', 'SSM:PutParameter'];
const SECRET = ['SecretsManager:GetSecretValue', 'SecretsManager:PutSecretValue'];
const FUNCTION_ENV = ['Lambda:GetFunctionConfiguration', 'Lambda:UpdateFunctionConfiguration'];
const ECS = ['ECS:DescribeServices', 'ECS:UpdateService'];
const BINDINGS = [...AUTHORIZER, ...PARAMETER, ...SECRET, ...FUNCTION_ENV, ...ECS];

/** src/steps/canary-ready.ts: the canary's secret and its user in the old pool. */
const CANARY_READ = ['CognitoIdentityProvider:AdminGetUser', 'SecretsManager:GetSecretValue'];

/** src/steps/pools.ts: the pools' ARNs and the new pool's triggers. */
const POOLS = ['CognitoIdentityProvider:DescribeUserPool'];

/** One sorted list without repeats, so the test can compare it with what the code sends as is. */
const commands = (...groups: (readonly string[])[]): readonly string[] => [...new Set(groups.flat())].sort();

/** Per function key of serverless.yml's `functions:`. */
export const FUNCTION_COMMANDS = {
  validatePlan: NONE,
  // src/steps/lock.ts: whether the execution holding the lock still runs.
  acquireLock: commands(LEDGER, ['SFN:DescribeExecution']),
  // Preflight only reads, but it loads every adapter for its read: the writes come with the files.
  preflight: commands(LEDGER, DNS, API_POLICY, BINDINGS, CANARY_READ, POOLS, [
    'CloudWatch:DescribeAlarms',
    'SNS:GetTopicAttributes',
    // src/steps/migration-wiring.ts: the triggers are wired and allowed to run.
    'CognitoIdentityProvider:DescribeUserPoolClient',
    'IAM:SimulatePrincipalPolicy',
    'Lambda:GetPolicy',
  ]),
  notify: commands(LEDGER, ['SNS:Publish']),
  prepareDns: commands(LEDGER, DNS),
  checkDnsSync: commands(['Route53:GetChange']),
  restrictWrites: commands(LEDGER, API_POLICY, PARAMETER),
  switchDns: commands(LEDGER, DNS),
  switchServices: commands(LEDGER, BINDINGS, POOLS),
  checkServices: commands(['ECS:DescribeServices']),
  checkHealth: commands(CANARY_READ, [
    'CloudWatch:DescribeAlarms',
    // src/steps/canary.ts: signs the canary in through the new pool, then deletes it there.
    'CognitoIdentityProvider:AdminDeleteUser',
    'CognitoIdentityProvider:InitiateAuth',
  ]),
  releaseWrites: commands(LEDGER, API_POLICY, PARAMETER),
  restoreTtl: commands(LEDGER, DNS),
  releaseLock: commands(LEDGER),
  rollback: commands(LEDGER, DNS, API_POLICY, BINDINGS),
  planReport: commands(['SNS:Publish']),
  requestApproval: commands(['SNS:Publish']),
  userMigration: commands([
    'CognitoIdentityProvider:AdminGetUser',
    'CognitoIdentityProvider:AdminInitiateAuth',
  ]),
  preTokenGeneration: NONE,
  loadMigration: commands(LEDGER),
  releaseAfterRollback: commands(LEDGER),
} satisfies Record<string, readonly string[]>;
