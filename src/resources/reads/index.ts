import type { ResourceKind } from '../../kinds/kind.ts';
import type { ResourceReader } from '../resource.ts';
import { apigatewayAuthorizerReader } from './apigateway-authorizer.ts';
import { apigatewayPolicyReader } from './apigateway-policy.ts';
import { cognitoAppClientReader, cognitoMigrationTriggerReader } from './cognito-pool.ts';
import { ecsServiceReader } from './ecs-service.ts';
import { lambdaEnvironmentReader } from './lambda-environment.ts';
import { route53RecordReader } from './route53-record.ts';
import { secretReader } from './secret.ts';
import { ssmParameterReader } from './ssm-parameter.ts';

/** Each kind's read side alone: what Preflight loads, and so is granted, and no write. */
export const readers = {
  'route53-record': route53RecordReader,
  'apigateway-policy': apigatewayPolicyReader,
  'apigateway-authorizer': apigatewayAuthorizerReader,
  'ssm-parameter': ssmParameterReader,
  secret: secretReader,
  'lambda-environment': lambdaEnvironmentReader,
  'ecs-service': ecsServiceReader,
  'cognito-migration-trigger': cognitoMigrationTriggerReader,
  'cognito-app-client': cognitoAppClientReader,
} as const satisfies { [K in ResourceKind]: ResourceReader<never, unknown> };
