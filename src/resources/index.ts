import { LedgerConflict } from '../errors.ts';
import { apigatewayAuthorizer } from './apigateway-authorizer.ts';
import { apigatewayPolicy } from './apigateway-policy.ts';
import { ecsService } from './ecs-service.ts';
import { lambdaEnvironment } from './lambda-environment.ts';
import type { Resource } from './resource.ts';
import { route53Record } from './route53-record.ts';
import { secret } from './secret.ts';
import { ssmParameter } from './ssm-parameter.ts';

/** A resource whose ref and state are known only at run time, from a ledger entry. */
export type AnyResource = Resource<never, unknown>;

export const resources = {
  'route53-record': route53Record,
  'apigateway-policy': apigatewayPolicy,
  'apigateway-authorizer': apigatewayAuthorizer,
  'ssm-parameter': ssmParameter,
  secret,
  'lambda-environment': lambdaEnvironment,
  'ecs-service': ecsService,
} as const satisfies Record<string, AnyResource>;

export type ResourceKind = keyof typeof resources;

/** The resource for a ledger entry's kind; a kind this version does not know cannot be restored. */
export function resourceFor(kind: string): AnyResource {
  if (!Object.hasOwn(resources, kind)) {
    throw new LedgerConflict(
      `The ledger holds a change of kind ${kind}, which this version of cognito-cutover cannot restore: restore it by hand or roll back with the version that made it.`,
    );
  }
  return resources[kind as ResourceKind];
}
