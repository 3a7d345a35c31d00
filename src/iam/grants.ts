import { approvalDocumentName } from '../approval/document.ts';
import { bindingKind, freezeKind, type IamTarget } from '../kinds/index.ts';
import type { Plan } from '../plan/schema.ts';

/**
 * What each SDK command needs from IAM, and on which resources of a stage. The stage's own plan
 * (`plans/<stage>.json`) names those resources: the stack grants nothing the plan does not name,
 * so a cutover plan that reaches further is refused in Preflight, before anything changes.
 */

/** A CloudFormation value: a literal ARN or an intrinsic that builds one. */
export type Arn = string | Record<string, unknown>;

export interface Stage {
  service: string;
  stage: string;
  plan: Plan;
}

/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>`, with what CloudFormation knows filled
 * in. Route 53 ARNs name neither region nor account, API Gateway's name no account.
 */
export function arn(service: string, resource: string, { region = true, account = true } = {}): Arn {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        ...(region ? [{ Ref: 'AWS::Region' }] : []),
        ':',
        ...(account ? [{ Ref: 'AWS::AccountId' }] : []),
        `:${resource}`,
      ],
    ],
  };
}
const GLOBAL = { region: false, account: false };

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * Which of the plan's resources a function's step works on; a grant reaches only those. The freeze's
 * targets are for RestrictWrites and ReleaseWrites, the bindings for SwitchServices and the poller
 * that waits for them, the canary for the health check: each function names its own
 * (src/iam/manifest.ts), and Rollback, which restores whatever the ledger holds, both of the first.
 */
export type Area = 'freeze' | 'bindings' | 'canary' | 'triggers' | 'oldPool' | 'newPool' | 'movedUsers';
export type Areas = ReadonlySet<Area>;

type Resources = (stage: Stage, areas: Areas) => Arn[];

const oldPool: Resources = ({ plan }) => [arn('cognito-idp', `userpool/${plan.oldPool.userPoolId}`)];
const newPool: Resources = ({ plan }) => [arn('cognito-idp', `userpool/${plan.newPool.userPoolId}`)];
const pools: Resources = (stage, areas) => [...oldPool(stage, areas), ...newPool(stage, areas)];
/**
 * The pools of the function's areas: whose app clients it reads (the old one's for the migration, the
 * new one's for the canary), or whose users it lists (the old one's to find a migrated user's groups,
 * the new one's to count what it gained before a rollback).
 */
const areaPools: Resources = (stage, areas) => [
  ...(areas.has('oldPool') ? oldPool(stage, areas) : []),
  ...(areas.has('newPool') ? newPool(stage, areas) : []),
];
/** The old pool's users are read by name; a function that moves them also reads the new pool's. */
const userPools: Resources = (stage, areas) => [
  ...oldPool(stage, areas),
  ...(areas.has('movedUsers') ? newPool(stage, areas) : []),
];
const ledger: Resources = () => [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }];
const topics: Resources = () => [{ Ref: 'UsersTopic' }, { Ref: 'OperatorsTopic' }];
const zone: Resources = ({ plan }) => [
  arn('route53', `hostedzone/${plan.dns.hostedZoneId.replace(/^\/hostedzone\//, '')}`, GLOBAL),
];

/**
 * The names of `target` the plan's items give, as their kinds grant them (src/kinds/): the freeze's
 * when the function works on the freeze, the bindings' when it works on the bindings.
 */
const named = ({ plan }: Stage, areas: Areas, target: IamTarget) =>
  unique([
    ...(areas.has('freeze') ? plan.writeFreeze.flatMap((f) => freezeKind(f).iam(f)[target] ?? []) : []),
    ...(areas.has('bindings')
      ? plan.services.flatMap((s) => s.bindings).flatMap((b) => bindingKind(b).iam(b)[target] ?? [])
      : []),
  ]);
const of =
  (target: IamTarget, toArn: (name: string) => Arn): Resources =>
  (stage, areas) =>
    named(stage, areas, target).map(toArn);

const parameters = of('parameter', (name) => arn('ssm', `parameter/${name.replace(/^\//, '')}`));

// Secrets Manager appends six random characters to a secret's name in its ARN.
const secretArn = (name: string) => arn('secretsmanager', `secret:${name}-??????`);
const boundSecrets = of('secret', secretArn);
const readableSecrets: Resources = (stage, areas) => [
  ...boundSecrets(stage, areas),
  ...(areas.has('canary')
    ? unique(
        stage.plan.health.checks.flatMap((c) => (c.kind === 'cognito-sign-in' ? [c.canarySecretId] : [])),
      )
    : []
  ).map(secretArn),
];

const functionArn = (name: string) => arn('lambda', `function:${name}`);
const boundFunctions = of('function', functionArn);
const publishedFunctions = of('published-function', functionArn);
const aliases = of('alias', functionArn);
const triggers: Resources = ({ plan }, areas) =>
  (areas.has('triggers')
    ? unique(
        [plan.newPool.migrationFunctionName, plan.newPool.preTokenGenerationFunctionName].flatMap((name) =>
          name ? [name] : [],
        ),
      )
    : []
  ).map(functionArn);
const readableFunctions: Resources = (stage, areas) => [
  ...boundFunctions(stage, areas),
  ...aliases(stage, areas),
  ...triggers(stage, areas),
];

const apis: Resources = (stage, areas) =>
  named(stage, areas, 'rest-api').flatMap((id) => [
    arn('apigateway', `/restapis/${id}`, { account: false }),
    arn('apigateway', `/restapis/${id}/*`, { account: false }),
  ]);

const ecsServices = of('ecs-service', (ref) => arn('ecs', ref));

const alarms: Resources = ({ plan }) =>
  unique(plan.health.checks.flatMap((c) => (c.kind === 'cloudwatch-alarm' ? c.alarmNames : []))).map((name) =>
    arn('cloudwatch', `alarm:${name}`),
  );

// Preflight simulates the migration function's own role; the stack deploys that function.
const migrationRole: Resources = () => [{ 'Fn::GetAtt': ['UserMigrationRole', 'Arn'] }];
/** The roles Preflight simulates: the migration function's, and each dependent service's the plan names. */
const simulatedRoles: Resources = (stage, areas) => [
  ...migrationRole(stage, areas),
  ...stage.plan.services.flatMap((s) => (s.roleArn ? [s.roleArn] : [])),
];

const automationExecutions: Resources = () => [arn('ssm', 'automation-execution/*')];
const approvalRunbook: Resources = ({ service, stage }) => [
  arn('ssm', `document/${approvalDocumentName(service, stage)}`),
  arn('ssm', `automation-definition/${approvalDocumentName(service, stage)}:*`),
  arn('ssm', 'automation-execution/*'),
];
const approvalRole: Resources = () => [{ 'Fn::GetAtt': ['ApprovalAutomationRole', 'Arn'] }];

/** An IAM condition block: operator → key → values. */
export type Condition = Record<string, Record<string, Arn | Arn[]>>;

export interface Grant {
  /** The IAM action, or null for an API that takes no IAM permission (InitiateAuth is unauthenticated). */
  action: string | null;
  resources: Resources;
  /** What else the call needs: a KMS key that encrypts what it reads or writes, on those resources only. */
  also?: Grant[];
  /** Only under this condition: a key used through one service. */
  condition?: Condition;
}

const grant = (action: string, resources: Resources, also?: Grant[]): Grant => ({
  action,
  resources,
  ...(also ? { also } : {}),
});

// The topics are encrypted with the stack's key: SNS makes a data key with it for each message the
// publisher sends, on the publisher's behalf (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
const notificationsKey: Resources = () => [{ 'Fn::GetAtt': ['NotificationsKey', 'Arn'] }];
const publishesEncrypted = [
  grant('kms:Decrypt', notificationsKey),
  grant('kms:GenerateDataKey', notificationsKey),
];

/**
 * A customer managed key on a secret or SecureString the plan names, whichever key that is, used
 * only through the service, which uses it on the caller's behalf in a call IAM already allowed on
 * that secret or parameter (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html).
 */
const anyKey: Resources = () => [arn('kms', 'key/*')];
const through =
  (service: 'secretsmanager' | 'ssm') =>
  (action: string): Grant => ({
    action,
    resources: anyKey,
    condition: {
      StringEquals: { 'kms:ViaService': { 'Fn::Sub': `${service}.\${AWS::Region}.amazonaws.com` } },
    },
  });
const viaSecretsManager = through('secretsmanager');
const viaParameterStore = through('ssm');

/** Every command the manifest may name. A command missing here fails the build of the roles. */
export const GRANTS: Record<string, Grant> = {
  'APIGateway:CreateDeployment': grant('apigateway:POST', apis),
  'APIGateway:GetAuthorizer': grant('apigateway:GET', apis),
  'APIGateway:GetRestApi': grant('apigateway:GET', apis),
  'APIGateway:GetStage': grant('apigateway:GET', apis),
  'APIGateway:UpdateAuthorizer': grant('apigateway:PATCH', apis),
  'APIGateway:UpdateRestApi': grant('apigateway:PATCH', apis),
  'CloudWatch:DescribeAlarms': grant('cloudwatch:DescribeAlarms', alarms),
  // GetMetricData names no resource IAM can scope
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
  'CloudWatch:GetMetricData': grant('cloudwatch:GetMetricData', () => ['*']),
  'CognitoIdentityProvider:AdminAddUserToGroup': grant('cognito-idp:AdminAddUserToGroup', newPool),
  'CognitoIdentityProvider:AdminCreateUser': grant('cognito-idp:AdminCreateUser', newPool),
  'CognitoIdentityProvider:AdminDeleteUser': grant('cognito-idp:AdminDeleteUser', newPool),
  'CognitoIdentityProvider:AdminGetUser': grant('cognito-idp:AdminGetUser', userPools),
  'CognitoIdentityProvider:AdminInitiateAuth': grant('cognito-idp:AdminInitiateAuth', oldPool),
  'CognitoIdentityProvider:AdminListGroupsForUser': grant('cognito-idp:AdminListGroupsForUser', oldPool),
  'CognitoIdentityProvider:AdminResetUserPassword': grant('cognito-idp:AdminResetUserPassword', newPool),
  'CognitoIdentityProvider:AdminSetUserPassword': grant('cognito-idp:AdminSetUserPassword', newPool),
  'CognitoIdentityProvider:DescribeUserPool': grant('cognito-idp:DescribeUserPool', pools),
  'CognitoIdentityProvider:DescribeUserPoolClient': grant('cognito-idp:DescribeUserPoolClient', areaPools),
  'CognitoIdentityProvider:GetUserPoolMfaConfig': grant('cognito-idp:GetUserPoolMfaConfig', oldPool),
  'CognitoIdentityProvider:InitiateAuth': { action: null, resources: () => [] },
  'CognitoIdentityProvider:ListGroups': grant('cognito-idp:ListGroups', pools),
  'CognitoIdentityProvider:ListUserPoolClients': grant('cognito-idp:ListUserPoolClients', oldPool),
  'CognitoIdentityProvider:ListUsers': grant('cognito-idp:ListUsers', areaPools),
  // What `cutover retire` changes, and a rollback puts back: the new pool's trigger, the old pool's clients.
  'CognitoIdentityProvider:UpdateUserPool': grant('cognito-idp:UpdateUserPool', newPool),
  'CognitoIdentityProvider:UpdateUserPoolClient': grant('cognito-idp:UpdateUserPoolClient', oldPool),
  'DynamoDB:GetItem': grant('dynamodb:GetItem', ledger),
  'DynamoDB:PutItem': grant('dynamodb:PutItem', ledger),
  'DynamoDB:Query': grant('dynamodb:Query', ledger),
  'DynamoDB:UpdateItem': grant('dynamodb:UpdateItem', ledger),
  'ECS:DescribeServices': grant('ecs:DescribeServices', ecsServices),
  'ECS:UpdateService': grant('ecs:UpdateService', ecsServices),
  'IAM:SimulatePrincipalPolicy': grant('iam:SimulatePrincipalPolicy', simulatedRoles),
  'Lambda:GetFunctionConfiguration': grant('lambda:GetFunctionConfiguration', readableFunctions),
  'Lambda:GetPolicy': grant('lambda:GetPolicy', triggers),
  'Lambda:ListAliases': grant('lambda:ListAliases', boundFunctions),
  'Lambda:PublishVersion': grant('lambda:PublishVersion', publishedFunctions),
  'Lambda:UpdateAlias': grant('lambda:UpdateAlias', aliases),
  'Lambda:UpdateFunctionConfiguration': grant('lambda:UpdateFunctionConfiguration', boundFunctions),
  'Route53:ChangeResourceRecordSets': grant('route53:ChangeResourceRecordSets', zone),
  'Route53:GetChange': grant('route53:GetChange', () => [arn('route53', 'change/*', GLOBAL)]),
  'Route53:ListResourceRecordSets': grant('route53:ListResourceRecordSets', zone),
  'SecretsManager:GetSecretValue': grant('secretsmanager:GetSecretValue', readableSecrets, [
    viaSecretsManager('kms:Decrypt'),
  ]),
  // A new version is encrypted with a new data key (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
  'SecretsManager:PutSecretValue': grant('secretsmanager:PutSecretValue', boundSecrets, [
    viaSecretsManager('kms:Decrypt'),
    viaSecretsManager('kms:GenerateDataKey'),
  ]),
  'SecretsManager:UpdateSecretVersionStage': grant('secretsmanager:UpdateSecretVersionStage', boundSecrets),
  // Whether the execution that holds the lock still runs: only the stage's own cutovers hold it.
  'SFN:DescribeExecution': grant('states:DescribeExecution', ({ service, stage }) => [
    arn('states', `execution:${service}-${stage}-cutover:*`),
  ]),
  'SNS:GetTopicAttributes': grant('sns:GetTopicAttributes', topics),
  'SNS:Publish': grant('sns:Publish', topics, publishesEncrypted),
  'SSM:DeleteParameter': grant('ssm:DeleteParameter', parameters),
  // The go/no-go's runbook (src/approval/document.ts), started with the role it answers with.
  'SSM:StartAutomationExecution': grant('ssm:StartAutomationExecution', approvalRunbook, [
    grant('iam:PassRole', approvalRole),
  ]),
  // An execution's ARN names only its id, so no grant can narrow these to the runbook's executions;
  // DescribeAutomationExecutions takes no resource at all
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html).
  'SSM:DescribeAutomationExecutions': grant('ssm:DescribeAutomationExecutions', () => ['*']),
  'SSM:GetAutomationExecution': grant('ssm:GetAutomationExecution', automationExecutions),
  'SSM:StopAutomationExecution': grant('ssm:StopAutomationExecution', automationExecutions),
  'SSM:GetParameter': grant('ssm:GetParameter', parameters, [viaParameterStore('kms:Decrypt')]),
  'SSM:GetParameterHistory': grant('ssm:GetParameterHistory', parameters, [viaParameterStore('kms:Decrypt')]),
  // A standard SecureString is encrypted with the key itself, an advanced one with a data key.
  'SSM:PutParameter': grant('ssm:PutParameter', parameters, [
    viaParameterStore('kms:Encrypt'),
    viaParameterStore('kms:GenerateDataKey'),
  ]),
};

export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: Arn[];
  Condition?: Condition;
}

/**
 * The statements `commands` need on the resources of `stage` a function works on (`areas`), actions
 * that share their resources and condition in one statement. A command whose resources the plan
 * does not name there (say an ECS call in a plan without ECS) gets none.
 */
export function statementsFor(commands: readonly string[], stage: Stage, areas: Areas): Statement[] {
  const statements = new Map<string, Statement>();
  const add = ({ action, resources: of, also = [], condition: when }: Grant) => {
    const resources = of(stage, areas);
    if (!action || resources.length === 0) return;
    const key = JSON.stringify([resources, when]);
    const statement = statements.get(key) ?? {
      Effect: 'Allow',
      Action: [],
      Resource: resources,
      ...(when ? { Condition: when } : {}),
    };
    if (!statement.Action.includes(action)) statement.Action.push(action);
    statements.set(key, statement);
    for (const more of also) add(more);
  };
  for (const command of commands) {
    const known = GRANTS[command];
    if (!known) throw new Error(`No IAM grant is known for ${command}: add it to src/iam/grants.ts`);
    add(known);
  }
  return [...statements.values()].map((s) => ({ ...s, Action: s.Action.sort() }));
}
