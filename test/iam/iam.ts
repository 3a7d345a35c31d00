import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Area } from '../../src/iam/grants.ts';
import { FUNCTION_AREAS, FUNCTION_COMMANDS } from '../../src/iam/manifest.ts';
import type { FunctionKey } from '../../src/iam/roles.ts';
import type { Plan } from '../../src/plan/schema.ts';

/**
 * Asks an independent IAM simulator (@cloud-copilot/iam-simulate, with the actions, resource types
 * and condition keys of its IAM data package) whether a role's statements allow a call: on the ARN
 * AWS authorizes that call on, written here from the service's documented ARN format, not from the
 * grants that built the role.
 */

export interface Request {
  action: string;
  resource: string;
  context?: Record<string, string>;
  /** The key's own policy, for a KMS request: a key is used only as its policy and IAM both allow. */
  keyPolicy?: object;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const PARTITION = 'aws';

/**
 * The names CloudFormation gives what the stack creates, for one stage of the service, and the
 * notifications key's policy as deployed (by default, the account's IAM policies decide).
 */
export function stackNames(plan: Plan, stage: string, notificationsKeyPolicy?: object) {
  const account = plan.notify.usersTopicArn.split(':')[4] ?? '';
  const { region } = plan;
  return {
    region,
    account,
    stage,
    notificationsKeyPolicy,
    ids: {
      'AWS::Partition': PARTITION,
      'AWS::Region': region,
      'AWS::AccountId': account,
      UsersTopic: plan.notify.usersTopicArn,
      OperatorsTopic: plan.notify.operatorsTopicArn,
      'LedgerTable.Arn': `arn:aws:dynamodb:${region}:${account}:table/cognito-cutover-${stage}-ledger`,
      'NotificationsKey.Arn': `arn:aws:kms:${region}:${account}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
      'UserMigrationRole.Arn': `arn:aws:iam::${account}:role/cognito-cutover-${stage}-userMigration`,
      'ApprovalAutomationRole.Arn': `arn:aws:iam::${account}:role/cognito-cutover-${stage}-approval`,
    } as Record<string, string>,
  };
}
export type StackNames = ReturnType<typeof stackNames>;

/** A CloudFormation value as deployed: Ref, Fn::GetAtt, Fn::Join and Fn::Sub resolved. */
export function resolve(value: unknown, names: StackNames): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, names));
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Record<string, unknown>;
  const known = (id: string) => {
    const found = names.ids[id] ?? logGroup(id, names);
    if (found === undefined) throw new Error(`the simulation does not know what ${id} resolves to`);
    return found;
  };
  if ('Ref' in node) return known(String(node.Ref));
  if ('Fn::GetAtt' in node) return known((node['Fn::GetAtt'] as string[]).join('.'));
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, names)).join(separator);
  }
  if ('Fn::Sub' in node) {
    return String(node['Fn::Sub']).replace(/\$\{([^}]+)\}/g, (_, id: string) => String(known(id)));
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, names)]));
}

function logGroup(id: string, { region, account }: StackNames): string | undefined {
  const fn = /^(\w+)LogGroup\.Arn$/.exec(id)?.[1];
  return fn ? `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${fn}:*` : undefined;
}

/**
 * The default policy of a customer managed key: the account's IAM policies decide who uses it
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export const defaultKeyPolicy = (account: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

/**
 * Where iam-simulate's data knows no resource type for an ARN AWS does authorize: API Gateway's
 * `/deployments` collection (CreateDeployment), and an ECS service's short ARN (`service/<name>`,
 * in accounts that never opted in to the long format). Those requests are matched against the
 * statements' ARN patterns as IAM does (`*` any run of characters, `?` one), here.
 */
const SIMULATOR_GAPS = [
  /^arn:aws:apigateway:[^:]*::\/restapis\/[^/]+\/deployments$/,
  /^arn:aws:ecs:[^:]*:\d+:service\/[^/]+$/,
];

function patternAllows(statements: Statement[], request: Request): string {
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
  const allowed = statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      !s.Condition &&
      [s.Action].flat().includes(request.action) &&
      [s.Resource].flat().some((r) => glob(String(r)).test(request.resource)),
  );
  return allowed ? 'Allowed' : 'ImplicitlyDenied';
}

/** What the statements decide for one request: Allowed, ImplicitlyDenied or ExplicitlyDenied. */
export async function decide(statements: Statement[], request: Request, account: string): Promise<string> {
  if (SIMULATOR_GAPS.some((gap) => gap.test(request.resource))) return patternAllows(statements, request);
  const kms = request.action.startsWith('kms:');
  const simulation: Simulation = {
    identityPolicies: [{ name: 'least-privilege', policy: { Version: '2012-10-17', Statement: statements } }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(kms ? { resourcePolicy: request.keyPolicy ?? defaultKeyPolicy(account) } : {}),
    request: {
      action: request.action,
      principal: `arn:aws:iam::${account}:role/under-test`,
      resource: { accountId: account, resource: request.resource },
      contextVariables: request.context ?? {},
    },
  } as Simulation;
  const answer = await runSimulation(simulation, {});
  if (answer.resultType === 'error') {
    throw new Error(
      `iam-simulate refused ${request.action} on ${request.resource}: ${JSON.stringify(answer.errors)}`,
    );
  }
  return answer.overallResult;
}

const SECRET_SUFFIX = 'AbCdEf';
const KEY = (names: StackNames) =>
  `arn:aws:kms:${names.region}:${names.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const via = (service: string, names: StackNames) => ({
  'kms:ViaService': `${service}.${names.region}.amazonaws.com`,
});

/** The ARNs of what a step touches, by the documented format of each service's ARNs. */
export function arnsOf(plan: Plan, names: StackNames, areas: ReadonlySet<Area>) {
  const { region, account } = names;
  const has = (area: Area) => areas.has(area);
  const bound = plan.services.flatMap((s) => s.bindings);
  const freeze = has('freeze') ? plan.writeFreeze : [];
  const bindings = has('bindings') ? bound : [];
  const api = (id: string, path = '') => `arn:aws:apigateway:${region}::/restapis/${id}${path}`;
  const pool = (id: string) => `arn:aws:cognito-idp:${region}:${account}:userpool/${id}`;
  const fnArn = (name: string, qualifier?: string) =>
    `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  const functions = bindings.flatMap((b) => (b.kind === 'lambda-environment' ? [b] : []));
  return {
    frozenApis: freeze.flatMap((f) => (f.kind === 'apigateway-policy' ? [api(f.restApiId)] : [])),
    stages: [
      ...freeze.flatMap((f) => (f.kind === 'apigateway-policy' ? [[f.restApiId, f.stageName]] : [])),
      ...bindings.flatMap((b) => (b.kind === 'apigateway-authorizer' ? [[b.restApiId, b.stageName]] : [])),
    ].map(([id, stage]) => api(id ?? '', `/stages/${stage}`)),
    deployments: [
      ...freeze.flatMap((f) => (f.kind === 'apigateway-policy' ? [f.restApiId] : [])),
      ...bindings.flatMap((b) => (b.kind === 'apigateway-authorizer' ? [b.restApiId] : [])),
    ].map((id) => api(id, '/deployments')),
    authorizers: bindings.flatMap((b) =>
      b.kind === 'apigateway-authorizer' ? [api(b.restApiId, `/authorizers/${b.authorizerId}`)] : [],
    ),
    alarms: plan.health.checks.flatMap((c) =>
      c.kind === 'cloudwatch-alarm'
        ? c.alarmNames.map((n) => `arn:aws:cloudwatch:${region}:${account}:alarm:${n}`)
        : [],
    ),
    oldPool: [pool(plan.oldPool.userPoolId)],
    newPool: [pool(plan.newPool.userPoolId)],
    // The pools whose users it reads by name: the old one's, and the new one's when it moves users.
    users: [pool(plan.oldPool.userPoolId), ...(has('movedUsers') ? [pool(plan.newPool.userPoolId)] : [])],
    // The pools of the step's areas: whose clients it reads, or whose users it lists.
    clients: [
      ...(has('oldPool') ? [pool(plan.oldPool.userPoolId)] : []),
      ...(has('newPool') ? [pool(plan.newPool.userPoolId)] : []),
    ],
    table: [names.ids['LedgerTable.Arn'] ?? ''],
    // Both ARN formats: the long one, and the short one of a service created before the opt-in.
    services: bindings.flatMap((b) =>
      b.kind === 'ecs-service'
        ? [
            `arn:aws:ecs:${region}:${account}:service/${b.cluster}/${b.service}`,
            `arn:aws:ecs:${region}:${account}:service/${b.service}`,
          ]
        : [],
    ),
    migrationRole: [names.ids['UserMigrationRole.Arn'] ?? ''],
    // Preflight asks whether each dependent service's role may act on the new pool.
    serviceRoles: plan.services.flatMap((s) => (s.roleArn ? [s.roleArn] : [])),
    boundFunctions: functions.map((b) => fnArn(b.functionName)),
    published: functions.flatMap((b) => (b.alias ? [fnArn(b.functionName)] : [])),
    aliases: functions.flatMap((b) => (b.alias ? [fnArn(b.functionName, b.alias)] : [])),
    triggers: has('triggers')
      ? [plan.newPool.migrationFunctionName, plan.newPool.preTokenGenerationFunctionName].flatMap((n) =>
          n ? [fnArn(n)] : [],
        )
      : [],
    zone: [`arn:aws:route53:::hostedzone/${plan.dns.hostedZoneId.replace(/^\/hostedzone\//, '')}`],
    change: ['arn:aws:route53:::change/C2682N5HXP0BZ4'],
    boundSecrets: bindings.flatMap((b) =>
      b.kind === 'secret'
        ? [`arn:aws:secretsmanager:${region}:${account}:secret:${b.secretId}-${SECRET_SUFFIX}`]
        : [],
    ),
    canarySecrets: has('canary')
      ? plan.health.checks.flatMap((c) =>
          c.kind === 'cognito-sign-in'
            ? [`arn:aws:secretsmanager:${region}:${account}:secret:${c.canarySecretId}-${SECRET_SUFFIX}`]
            : [],
        )
      : [],
    execution: [
      `arn:aws:states:${region}:${account}:execution:cognito-cutover-${names.stage}-cutover:cutover-1`,
    ],
    topics: [plan.notify.usersTopicArn, plan.notify.operatorsTopicArn],
    parameters: [
      ...freeze.flatMap((f) => (f.kind === 'ssm-parameter' ? [f.name] : [])),
      ...bindings.flatMap((b) => (b.kind === 'ssm-parameter' ? [b.name] : [])),
    ].map((name) => `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`),
  };
}

type Arns = ReturnType<typeof arnsOf>;
const AUTOMATION_ID = '4d1b2c3e-0000-4000-8000-00000000abcd';
const on = (action: string, resources: string[], context?: Record<string, string>): Request[] =>
  resources.map((resource) => ({ action, resource, ...(context ? { context } : {}) }));

/** Each SDK command as IAM authorizes it: the action, on which of the step's resources, and the KMS use it brings. */
const REQUESTS: Record<string, (arns: Arns, names: StackNames) => Request[]> = {
  'APIGateway:CreateDeployment': (a) => on('apigateway:POST', a.deployments),
  'APIGateway:GetAuthorizer': (a) => on('apigateway:GET', a.authorizers),
  'APIGateway:GetRestApi': (a) => on('apigateway:GET', a.frozenApis),
  'APIGateway:GetStage': (a) => on('apigateway:GET', a.stages),
  'APIGateway:UpdateAuthorizer': (a) => on('apigateway:PATCH', a.authorizers),
  'APIGateway:UpdateRestApi': (a) => on('apigateway:PATCH', a.frozenApis),
  'CloudWatch:DescribeAlarms': (a) => on('cloudwatch:DescribeAlarms', a.alarms),
  'CloudWatch:GetMetricData': () => on('cloudwatch:GetMetricData', ['*']),
  'CognitoIdentityProvider:AdminAddUserToGroup': (a) => on('cognito-idp:AdminAddUserToGroup', a.newPool),
  'CognitoIdentityProvider:AdminCreateUser': (a) => on('cognito-idp:AdminCreateUser', a.newPool),
  'CognitoIdentityProvider:AdminDeleteUser': (a) => on('cognito-idp:AdminDeleteUser', a.newPool),
  'CognitoIdentityProvider:AdminGetUser': (a) => on('cognito-idp:AdminGetUser', a.users),
  'CognitoIdentityProvider:AdminInitiateAuth': (a) => on('cognito-idp:AdminInitiateAuth', a.oldPool),
  'CognitoIdentityProvider:AdminListGroupsForUser': (a) =>
    on('cognito-idp:AdminListGroupsForUser', a.oldPool),
  'CognitoIdentityProvider:AdminResetUserPassword': (a) =>
    on('cognito-idp:AdminResetUserPassword', a.newPool),
  'CognitoIdentityProvider:AdminSetUserPassword': (a) => on('cognito-idp:AdminSetUserPassword', a.newPool),
  'CognitoIdentityProvider:DescribeUserPool': (a) =>
    on('cognito-idp:DescribeUserPool', [...a.oldPool, ...a.newPool]),
  'CognitoIdentityProvider:DescribeUserPoolClient': (a) =>
    on('cognito-idp:DescribeUserPoolClient', a.clients),
  'CognitoIdentityProvider:GetUserPoolMfaConfig': (a) => on('cognito-idp:GetUserPoolMfaConfig', a.oldPool),
  // Unauthenticated: Cognito checks the client, not IAM.
  'CognitoIdentityProvider:InitiateAuth': () => [],
  'CognitoIdentityProvider:ListGroups': (a) => on('cognito-idp:ListGroups', [...a.oldPool, ...a.newPool]),
  'CognitoIdentityProvider:ListUserPoolClients': (a) => on('cognito-idp:ListUserPoolClients', a.oldPool),
  'CognitoIdentityProvider:ListUsers': (a) => on('cognito-idp:ListUsers', a.clients),
  'CognitoIdentityProvider:UpdateUserPool': (a) => on('cognito-idp:UpdateUserPool', a.newPool),
  'CognitoIdentityProvider:UpdateUserPoolClient': (a) => on('cognito-idp:UpdateUserPoolClient', a.oldPool),
  'DynamoDB:GetItem': (a) => on('dynamodb:GetItem', a.table),
  'DynamoDB:PutItem': (a) => on('dynamodb:PutItem', a.table),
  'DynamoDB:Query': (a) => on('dynamodb:Query', a.table),
  'DynamoDB:UpdateItem': (a) => on('dynamodb:UpdateItem', a.table),
  'ECS:DescribeServices': (a) => on('ecs:DescribeServices', a.services),
  'ECS:UpdateService': (a) => on('ecs:UpdateService', a.services),
  'IAM:SimulatePrincipalPolicy': (a) =>
    on('iam:SimulatePrincipalPolicy', [...a.migrationRole, ...a.serviceRoles]),
  'Lambda:GetFunctionConfiguration': (a) =>
    on('lambda:GetFunctionConfiguration', [...a.boundFunctions, ...a.aliases, ...a.triggers]),
  'Lambda:GetPolicy': (a) => on('lambda:GetPolicy', a.triggers),
  'Lambda:ListAliases': (a) => on('lambda:ListAliases', a.boundFunctions),
  'Lambda:PublishVersion': (a) => on('lambda:PublishVersion', a.published),
  'Lambda:UpdateAlias': (a) => on('lambda:UpdateAlias', a.aliases),
  'Lambda:UpdateFunctionConfiguration': (a) => on('lambda:UpdateFunctionConfiguration', a.boundFunctions),
  'Route53:ChangeResourceRecordSets': (a) => on('route53:ChangeResourceRecordSets', a.zone),
  'Route53:GetChange': (a) => on('route53:GetChange', a.change),
  'Route53:ListResourceRecordSets': (a) => on('route53:ListResourceRecordSets', a.zone),
  'SecretsManager:GetSecretValue': (a, n) => {
    const secrets = [...a.boundSecrets, ...a.canarySecrets];
    return [
      ...on('secretsmanager:GetSecretValue', secrets),
      ...(secrets.length ? on('kms:Decrypt', [KEY(n)], via('secretsmanager', n)) : []),
    ];
  },
  'SecretsManager:PutSecretValue': (a, n) => [
    ...on('secretsmanager:PutSecretValue', a.boundSecrets),
    ...(a.boundSecrets.length ? on('kms:GenerateDataKey', [KEY(n)], via('secretsmanager', n)) : []),
  ],
  'SecretsManager:UpdateSecretVersionStage': (a) =>
    on('secretsmanager:UpdateSecretVersionStage', a.boundSecrets),
  'SFN:DescribeExecution': (a) => on('states:DescribeExecution', a.execution),
  'SNS:GetTopicAttributes': (a) => on('sns:GetTopicAttributes', a.topics),
  'SNS:Publish': (a, n) => [
    ...on('sns:Publish', a.topics),
    ...on('kms:GenerateDataKey', [n.ids['NotificationsKey.Arn'] ?? '']).map((r) => ({
      ...r,
      ...(n.notificationsKeyPolicy ? { keyPolicy: n.notificationsKeyPolicy } : {}),
    })),
  ],
  'SSM:DeleteParameter': (a) => on('ssm:DeleteParameter', a.parameters),
  // Starting the go/no-go's runbook authorizes the document, its definition and the new execution, and
  // passing it the role it answers with.
  'SSM:StartAutomationExecution': (_, n) => [
    ...on('ssm:StartAutomationExecution', [
      `arn:aws:ssm:${n.region}:${n.account}:document/cognito-cutover-${n.stage}-approval`,
      `arn:aws:ssm:${n.region}:${n.account}:automation-definition/cognito-cutover-${n.stage}-approval:$DEFAULT`,
      `arn:aws:ssm:${n.region}:${n.account}:automation-execution/${AUTOMATION_ID}`,
    ]),
    ...on('iam:PassRole', [n.ids['ApprovalAutomationRole.Arn'] ?? '']),
  ],
  'SSM:DescribeAutomationExecutions': () => on('ssm:DescribeAutomationExecutions', ['*']),
  'SSM:GetAutomationExecution': (_, n) =>
    on('ssm:GetAutomationExecution', [
      `arn:aws:ssm:${n.region}:${n.account}:automation-execution/${AUTOMATION_ID}`,
    ]),
  'SSM:StopAutomationExecution': (_, n) =>
    on('ssm:StopAutomationExecution', [
      `arn:aws:ssm:${n.region}:${n.account}:automation-execution/${AUTOMATION_ID}`,
    ]),
  'SSM:GetParameter': (a, n) => [
    ...on('ssm:GetParameter', a.parameters),
    ...(a.parameters.length ? on('kms:Decrypt', [KEY(n)], via('ssm', n)) : []),
  ],
  'SSM:GetParameterHistory': (a) => on('ssm:GetParameterHistory', a.parameters),
  'SSM:PutParameter': (a, n) => [
    ...on('ssm:PutParameter', a.parameters),
    ...(a.parameters.length ? on('kms:Encrypt', [KEY(n)], via('ssm', n)) : []),
  ],
};

/** Every call `fn`'s code can make, on every resource of the plan its step touches. */
export function requestsOf(fn: FunctionKey, plan: Plan, names: StackNames): Request[] {
  const arns = arnsOf(plan, names, new Set(FUNCTION_AREAS[fn]));
  return FUNCTION_COMMANDS[fn].flatMap((command) => {
    const requests = REQUESTS[command];
    if (!requests) throw new Error(`the simulation does not know how IAM authorizes ${command}`);
    return requests(arns, names);
  });
}

export { KEY as anyCustomerKey, via };
