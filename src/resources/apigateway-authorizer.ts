import { type PatchOperation, UpdateAuthorizerCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { AuthorizerRef, AuthorizerState } from '../kinds/apigateway-authorizer.ts';
import { deployStage } from './apigateway-stage.ts';
import { apigatewayAuthorizerReader } from './reads/apigateway-authorizer.ts';
import type { Resource } from './resource.ts';

export type { AuthorizerRef, AuthorizerState } from '../kinds/apigateway-authorizer.ts';

/**
 * Adds come before removes: a Cognito authorizer must always name at least one pool, so
 * swapping the only pool by removing first would be refused.
 */
export function providerPatch(to: string[], from: string[]): PatchOperation[] {
  return [
    ...to
      .filter((arn) => !from.includes(arn))
      .map((value) => ({ op: 'add' as const, path: '/providerARNs', value })),
    ...from
      .filter((arn) => !to.includes(arn))
      .map((value) => ({ op: 'remove' as const, path: '/providerARNs', value })),
  ];
}

export const apigatewayAuthorizer: Resource<AuthorizerRef, AuthorizerState> = {
  ...apigatewayAuthorizerReader,

  async write(region, ref, to, from) {
    const client = aws.apiGateway(region);
    const patchOperations = providerPatch(to.providerARNs, from.providerARNs);
    if (patchOperations.length > 0) {
      await named(
        `updating the user pools of authorizer ${ref.authorizerId} of REST API ${ref.restApiId}`,
        client.send(
          new UpdateAuthorizerCommand({
            restApiId: ref.restApiId,
            authorizerId: ref.authorizerId,
            patchOperations,
          }),
        ),
      );
    }
    await deployStage(region, ref, `cognito-cutover: authorizer ${ref.authorizerId} user pools`);
    return [];
  },
};
