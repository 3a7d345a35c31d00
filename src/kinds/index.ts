import type { Binding, Freeze } from '../plan/schema.ts';
import { apigatewayAuthorizer } from './apigateway-authorizer.ts';
import { apigatewayPolicy } from './apigateway-policy.ts';
import { cognitoAppClient, cognitoMigrationTrigger } from './cognito-pool.ts';
import { ecsService } from './ecs-service.ts';
import type { BindingKind, FreezeKind, Kind, PlanPart, ResourceKind } from './kind.ts';
import { lambdaEnvironment } from './lambda-environment.ts';
import { route53Record } from './route53-record.ts';
import { secret } from './secret.ts';
import { ssmParameter } from './ssm-parameter.ts';

export type * from './kind.ts';

// A kind's Ref and State are its own: any here only lets the registry hold them side by side.
// biome-ignore lint/suspicious/noExplicitAny: each entry is checked against its own Kind<K, Ref, State> where it is defined
type AnyKind<K extends ResourceKind> = Kind<K, any, any>;

/** Every kind of resource the cutover changes. A kind the plan schema adds and this lacks is a type error. */
export const kinds = {
  'route53-record': route53Record,
  'apigateway-policy': apigatewayPolicy,
  'apigateway-authorizer': apigatewayAuthorizer,
  'ssm-parameter': ssmParameter,
  secret,
  'lambda-environment': lambdaEnvironment,
  'ecs-service': ecsService,
  'cognito-migration-trigger': cognitoMigrationTrigger,
  'cognito-app-client': cognitoAppClient,
} as const satisfies { [K in ResourceKind]: AnyKind<K> };

export const RESOURCE_KINDS = Object.keys(kinds) as ResourceKind[];
export const BINDING_KINDS = RESOURCE_KINDS.filter((k): k is BindingKind => kinds[k].binding !== undefined);
export const FREEZE_KINDS = RESOURCE_KINDS.filter((k): k is FreezeKind => kinds[k].freeze !== undefined);

/** How the plan's binding `binding` is switched, described and granted. */
export function bindingKind(binding: Binding): PlanPart<Binding, object, unknown> {
  return kinds[binding.kind].binding as PlanPart<Binding, object, unknown>;
}

/** How the plan's freeze `item` is applied, described and granted. */
export function freezeKind(item: Freeze): PlanPart<Freeze, object, unknown, void> {
  return kinds[item.kind].freeze as PlanPart<Freeze, object, unknown, void>;
}

/** Whether a ledger entry's kind is one this version knows. */
export const isResourceKind = (kind: string): kind is ResourceKind => Object.hasOwn(kinds, kind);
