import type { BindingKind } from '../kinds/kind.ts';
import { apigatewayAuthorizer } from './apigateway-authorizer.ts';
import { ecsService } from './ecs-service.ts';
import { lambdaEnvironment } from './lambda-environment.ts';
import type { AnyResource } from './resource.ts';
import { secret } from './secret.ts';
import { ssmParameter } from './ssm-parameter.ts';

/** The adapter of each binding kind: what SwitchServices loads, and so is granted, and no more. */
export const bindingResources = {
  'ssm-parameter': ssmParameter,
  secret,
  'lambda-environment': lambdaEnvironment,
  'apigateway-authorizer': apigatewayAuthorizer,
  'ecs-service': ecsService,
} as const satisfies { [K in BindingKind]: AnyResource };
