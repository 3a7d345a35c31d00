import { type Plan, parsePlan } from '../../src/plan/schema.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';
export const OLD_POOL = 'eu-west-2_OldPool01';
export const NEW_POOL = 'eu-west-2_NewPool01';
export const OLD_POOL_ARN = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${OLD_POOL}`;
export const NEW_POOL_ARN = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${NEW_POOL}`;
export const HEALTH_URL = 'https://admin.example.org/health';

/** The reference customer's cutover, trimmed to one resource of each kind. */
export function samplePlan(changes: Record<string, unknown> = {}): Plan {
  return parsePlan({
    migrationId: 'tis-prod-pool-v1-to-v2',
    region: REGION,
    oldPool: { userPoolId: OLD_POOL, migrationClientId: 'oldclient' },
    newPool: {
      userPoolId: NEW_POOL,
      appClientId: 'newclient',
      migrationFunctionName: 'cutover-prod-migrateUser',
    },
    notify: {
      usersTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:users`,
      operatorsTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:ops`,
    },
    writeFreeze: [
      {
        kind: 'apigateway-policy',
        restApiId: 'um0api',
        stageName: 'prod',
        methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
      },
      { kind: 'ssm-parameter', name: '/usermanagement/prod/under-maintenance', value: 'true' },
    ],
    dns: {
      hostedZoneId: 'Z0EXAMPLE',
      recordName: 'admin.example.org',
      recordType: 'A',
      target: { aliasDnsName: 'd111.cloudfront.net', aliasHostedZoneId: 'Z2FDTNDATAQYW2' },
      cutoverTtlSeconds: 60,
    },
    services: [
      {
        name: 'reval',
        bindings: [
          { kind: 'apigateway-authorizer', restApiId: 'rv0api', authorizerId: 'a1', stageName: 'prod' },
          { kind: 'ssm-parameter', name: '/reval/prod/cognito-user-pool-id' },
          {
            kind: 'lambda-environment',
            functionName: 'reval-api',
            variables: {
              COGNITO_USER_POOL_ID: '{{newPool.userPoolId}}',
              COGNITO_CLIENT_ID: '{{newPool.appClientId}}',
            },
          },
        ],
      },
      {
        name: 'usermanagement',
        bindings: [
          { kind: 'secret', secretId: 'usermanagement-cognito-pool-id-prod' },
          { kind: 'secret', secretId: 'usermanagement-cognito-prod', jsonKey: 'userPoolId' },
          { kind: 'ecs-service', cluster: 'prod', service: 'usermanagement' },
        ],
      },
    ],
    health: {
      checks: [
        { kind: 'http', url: HEALTH_URL, expectStatus: 200 },
        { kind: 'cloudwatch-alarm', alarmNames: ['usermanagement-5xx'] },
      ],
    },
    ...changes,
  });
}
