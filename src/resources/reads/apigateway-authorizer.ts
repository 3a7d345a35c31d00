// Read side of ../apigateway-authorizer.ts, apart from its write for least privilege: Preflight only reads.

import { GetAuthorizerCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import type { AuthorizerRef, AuthorizerState } from '../../kinds/apigateway-authorizer.ts';
import type { ResourceReader } from '../resource.ts';
import { readStage } from './apigateway-stage.ts';

export const apigatewayAuthorizerReader: ResourceReader<AuthorizerRef, AuthorizerState> = {
  kind: 'apigateway-authorizer',
  key: (ref) => `apigateway-authorizer:${ref.restApiId}/${ref.authorizerId}`,
  label: (ref) => `authorizer ${ref.authorizerId} of REST API ${ref.restApiId} (stage ${ref.stageName})`,

  async read(region, ref) {
    const client = aws.apiGateway(region);
    const [authorizer] = await Promise.all([
      named(
        `reading authorizer ${ref.authorizerId} of REST API ${ref.restApiId}`,
        client.send(new GetAuthorizerCommand({ restApiId: ref.restApiId, authorizerId: ref.authorizerId })),
      ),
      readStage(region, ref),
    ]);
    return { providerARNs: [...(authorizer.providerARNs ?? [])].sort() };
  },
};
