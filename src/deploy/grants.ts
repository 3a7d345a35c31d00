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

const pools = ({ plan }: Stage) =>
  unique([plan.oldPool.userPoolId, plan.newPool.userPoolId]).map((id) =>
    arn('cognito-idp', `userpool/${id}`),
  );
const oldPool = ({ plan }: Stage) => [arn('cognito-idp', `userpool/${plan.oldPool.userPoolId}`)];
const newPool = ({ plan }: Stage) => [arn('cognito-idp', `userpool/${plan.newPool.userPoolId}`)];
const ledger = () => [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }];
const topics = () => [{ Ref: 'UsersTopic' }, { Ref: 'OperatorsTopic' }];
const zone = ({ plan }: Stage) => [
  arn('route53', `hostedzone/${plan.dns.hostedZoneId.replace(/^\/hostedzone\//, '')}`, GLOBAL),
];

function bindings(plan: Plan) {
  return plan.services.flatMap((s) => s.bindings);
}

const parameterArn = (name: string) => arn('ssm', `parameter/${name.replace(/^\//, '')}`);
const parameters = ({ plan }: Stage) =>
  unique([
    ...plan.writeFreeze.flatMap((f) => (f.kind === 'ssm-parameter' ? [f.name] : [])),
    ...bindings(plan).flatMap((b) => (b.kind === 'ssm-parameter' ? [b.name] : [])),
  ]).map(parameterArn);

// Secrets Manager appends six random characters to a secret's name in its ARN.
const secretArn = (name: string) => arn('secretsmanager', `secret:${name}-??????`);
const boundSecrets = ({ plan }: Stage) =>
  unique(bindings(plan).flatMap((b) => (b.kind === 'secret' ? [b.secretId] : []))).map(secretArn);
const readableSecrets = (stage: Stage) => [
  ...boundSecrets(stage),
  ...unique(
    stage.plan.health.checks.flatMap((c) => (c.kind === 'cognito-sign-in' ? [c.canarySecretId] : [])),
  ).map(secretArn),
];

const functionArn = (name: string) => arn('lambda', `function:${name}`);
const boundFunctions = ({ plan }: Stage) =>
  unique(bindings(plan).flatMap((b) => (b.kind === 'lambda-environment' ? [b.functionName] : []))).map(
    functionArn,
  );
// A binding that names an alias: the function is published, the alias (a qualified ARN) moved.
const aliased = ({ plan }: Stage) =>
  bindings(plan).flatMap((b) => (b.kind === 'lambda-environment' && b.alias ? [b] : []));
const publishedFunctions = (stage: Stage) =>
  unique(aliased(stage).map((b) => b.functionName)).map(functionArn);
const aliases = (stage: Stage) =>
  unique(aliased(stage).map((b) => `${b.functionName}:${b.alias}`)).map(functionArn);
const readableFunctions = (stage: Stage) => [
  ...aliases(stage),
  ...boundFunctions(stage),
  ...unique(
    [stage.plan.newPool.migrationFunctionName, stage.plan.newPool.preTokenGenerationFunctionName].flatMap(
      (name) => (name ? [name] : []),
    ),
  ).map(functionArn),
];

const apis = ({ plan }: Stage) =>
  unique([
    ...plan.writeFreeze.flatMap((f) => (f.kind === 'apigateway-policy' ? [f.restApiId] : [])),
    ...bindings(plan).flatMap((b) => (b.kind === 'apigateway-authorizer' ? [b.restApiId] : [])),
  ]).flatMap((id) => [
    arn('apigateway', `/restapis/${id}`, { account: false }),
    arn('apigateway', `/restapis/${id}/*`, { account: false }),
  ]);

const ecsServices = ({ plan }: Stage) =>
  unique(
    bindings(plan).flatMap((b) => (b.kind === 'ecs-service' ? [`service/${b.cluster}/${b.service}`] : [])),
  ).map((ref) => arn('ecs', ref));

const alarms = ({ plan }: Stage) =>
  unique(plan.health.checks.flatMap((c) => (c.kind === 'cloudwatch-alarm' ? c.alarmNames : []))).map((name) =>
    arn('cloudwatch', `alarm:${name}`),
  );

// Preflight simulates the migration function's own role; the stack deploys that function.
const migrationRole = () => [{ 'Fn::GetAtt': ['UserMigrationRole', 'Arn'] }];

export interface Grant {
  /** The IAM action, or null for an API that takes no IAM permission (InitiateAuth is unauthenticated). */
  action: string | null;
  resources: (stage: Stage) => Arn[];
  /** What else the call needs, on other resources: a KMS key that encrypts what it writes. */
  also?: Grant[];
}

const grant = (action: string, resources: (stage: Stage) => Arn[], also?: Grant[]): Grant => ({
  action,
  resources,
  ...(also ? { also } : {}),
});

// The topics are encrypted with the stack's key: SNS makes a data key with it for each message the
// publisher sends, on the publisher's behalf (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
const notificationsKey = () => [{ 'Fn::GetAtt': ['NotificationsKey', 'Arn'] }];
const publishesEncrypted = [
  grant('kms:Decrypt', notificationsKey),
  grant('kms:GenerateDataKey', notificationsKey),
];

/** Every command the manifest may name. A command missing here fails the build of the roles. */
export const GRANTS: Record<string, Grant> = {
  'APIGateway:CreateDeployment': grant('apigateway:POST', apis),
  'APIGateway:GetAuthorizer': grant('apigateway:GET', apis),
  'APIGateway:GetRestApi': grant('apigateway:GET', apis),
  'APIGateway:GetStage': grant('apigateway:GET', apis),
  'APIGateway:UpdateAuthorizer': grant('apigateway:PATCH', apis),
  'APIGateway:UpdateRestApi': grant('apigateway:PATCH', apis),
  'CloudWatch:DescribeAlarms': grant('cloudwatch:DescribeAlarms', alarms),
  'CognitoIdentityProvider:AdminDeleteUser': grant('cognito-idp:AdminDeleteUser', newPool),
  'CognitoIdentityProvider:AdminGetUser': grant('cognito-idp:AdminGetUser', oldPool),
  'CognitoIdentityProvider:AdminInitiateAuth': grant('cognito-idp:AdminInitiateAuth', oldPool),
  'CognitoIdentityProvider:DescribeUserPool': grant('cognito-idp:DescribeUserPool', pools),
  'CognitoIdentityProvider:DescribeUserPoolClient': grant('cognito-idp:DescribeUserPoolClient', pools),
  'CognitoIdentityProvider:InitiateAuth': { action: null, resources: () => [] },
  'DynamoDB:GetItem': grant('dynamodb:GetItem', ledger),
  'DynamoDB:PutItem': grant('dynamodb:PutItem', ledger),
  'DynamoDB:Query': grant('dynamodb:Query', ledger),
  'DynamoDB:UpdateItem': grant('dynamodb:UpdateItem', ledger),
  'ECS:DescribeServices': grant('ecs:DescribeServices', ecsServices),
  'ECS:UpdateService': grant('ecs:UpdateService', ecsServices),
  'IAM:SimulatePrincipalPolicy': grant('iam:SimulatePrincipalPolicy', migrationRole),
  'Lambda:GetFunctionConfiguration': grant('lambda:GetFunctionConfiguration', readableFunctions),
  'Lambda:GetPolicy': grant('lambda:GetPolicy', readableFunctions),
  'Lambda:ListAliases': grant('lambda:ListAliases', boundFunctions),
  'Lambda:PublishVersion': grant('lambda:PublishVersion', publishedFunctions),
  'Lambda:UpdateAlias': grant('lambda:UpdateAlias', aliases),
  'Lambda:UpdateFunctionConfiguration': grant('lambda:UpdateFunctionConfiguration', boundFunctions),
  'Route53:ChangeResourceRecordSets': grant('route53:ChangeResourceRecordSets', zone),
  'Route53:GetChange': grant('route53:GetChange', () => [arn('route53', 'change/*', GLOBAL)]),
  'Route53:ListResourceRecordSets': grant('route53:ListResourceRecordSets', zone),
  'SecretsManager:GetSecretValue': grant('secretsmanager:GetSecretValue', readableSecrets),
  'SecretsManager:PutSecretValue': grant('secretsmanager:PutSecretValue', boundSecrets),
  'SecretsManager:UpdateSecretVersionStage': grant('secretsmanager:UpdateSecretVersionStage', boundSecrets),
  // Whether the execution that holds the lock still runs: only the stage's own cutovers hold it.
  'SFN:DescribeExecution': grant('states:DescribeExecution', ({ service, stage }) => [
    arn('states', `execution:${service}-${stage}-cutover:*`),
  ]),
  'SNS:GetTopicAttributes': grant('sns:GetTopicAttributes', topics),
  'SNS:Publish': grant('sns:Publish', topics, publishesEncrypted),
  'SSM:DeleteParameter': grant('ssm:DeleteParameter', parameters),
  'SSM:GetParameter': grant('ssm:GetParameter', parameters),
  'SSM:GetParameterHistory': grant('ssm:GetParameterHistory', parameters),
  'SSM:PutParameter': grant('ssm:PutParameter', parameters),
};

export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: Arn[];
}

/**
 * The statements `commands` need on `stage`, actions that share their resources in one statement.
 * A command whose resources the plan does not name (say an ECS call in a plan without ECS) gets none.
 */
export function statementsFor(commands: readonly string[], stage: Stage): Statement[] {
  const byResources = new Map<string, Statement>();
  const add = ({ action, resources: of, also = [] }: Grant) => {
    const resources = of(stage);
    if (!action || resources.length === 0) return;
    const key = JSON.stringify(resources);
    const statement = byResources.get(key) ?? { Effect: 'Allow', Action: [], Resource: resources };
    if (!statement.Action.includes(action)) statement.Action.push(action);
    byResources.set(key, statement);
    for (const more of also) add(more);
  };
  for (const command of commands) {
    const known = GRANTS[command];
    if (!known) throw new Error(`No IAM grant is known for ${command}: add it to src/deploy/grants.ts`);
    add(known);
  }
  return [...byResources.values()].map((s) => ({ ...s, Action: s.Action.sort() }));
}
