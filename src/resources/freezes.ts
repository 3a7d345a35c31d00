import type { FreezeKind } from '../kinds/kind.ts';
import { apigatewayPolicy } from './apigateway-policy.ts';
import type { AnyResource } from './resource.ts';
import { ssmParameter } from './ssm-parameter.ts';

/** The adapter of each freeze kind: what RestrictWrites and ReleaseWrites load, and no more. */
export const freezeResources = {
  'apigateway-policy': apigatewayPolicy,
  'ssm-parameter': ssmParameter,
} as const satisfies { [K in FreezeKind]: AnyResource };
