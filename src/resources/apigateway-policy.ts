import { UpdateRestApiCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { PolicyRef, PolicyState } from '../kinds/apigateway-policy.ts';
import { deployStage } from './apigateway-stage.ts';
import { apigatewayPolicyReader } from './reads/apigateway-policy.ts';
import type { Resource } from './resource.ts';

export {
  ALLOW_ALL_SID,
  canonicalPolicy,
  FREEZE_SID,
  frozenPolicy,
  type PolicyRef,
  type PolicyState,
} from '../kinds/apigateway-policy.ts';

export const apigatewayPolicy: Resource<PolicyRef, PolicyState> = {
  ...apigatewayPolicyReader,

  async write(region, ref, to) {
    const client = aws.apiGateway(region);
    await named(
      `updating the resource policy of REST API ${ref.restApiId}`,
      client.send(
        new UpdateRestApiCommand({
          restApiId: ref.restApiId,
          patchOperations: [{ op: 'replace', path: '/policy', value: to.policy ?? '' }],
        }),
      ),
    );
    await deployStage(region, ref, 'cognito-cutover: resource policy');
    return [];
  },
};
