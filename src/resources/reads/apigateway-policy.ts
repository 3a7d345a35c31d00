// Read side of ../apigateway-policy.ts, apart from its write for least privilege: Preflight only reads.

import { GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { canonicalPolicy, type PolicyRef, type PolicyState } from '../../kinds/apigateway-policy.ts';
import type { ResourceReader } from '../resource.ts';
import { readStage } from './apigateway-stage.ts';

export const apigatewayPolicyReader: ResourceReader<PolicyRef, PolicyState> = {
  kind: 'apigateway-policy',
  key: (ref) => `apigateway-policy:${ref.restApiId}`,
  label: (ref) => `resource policy of REST API ${ref.restApiId} (stage ${ref.stageName})`,

  async read(region, ref) {
    const client = aws.apiGateway(region);
    const [api] = await Promise.all([
      named(
        `reading REST API ${ref.restApiId}`,
        client.send(new GetRestApiCommand({ restApiId: ref.restApiId })),
      ),
      readStage(region, ref),
    ]);
    return { policy: canonicalPolicy(api.policy) };
  },
};
