import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { ServiceRef, ServiceState } from '../kinds/ecs-service.ts';
import { ecsServiceReader } from './reads/ecs-service.ts';
import type { Resource } from './resource.ts';

export type { ServiceRef, ServiceState } from '../kinds/ecs-service.ts';

export const ecsService: Resource<ServiceRef, ServiceState> & { readonly action: true } = {
  ...ecsServiceReader,

  async write(region, ref) {
    // New tasks read the values switched before them (parameters, secrets) when they start.
    await named(
      `redeploying ECS service ${ref.cluster}/${ref.service}`,
      aws
        .ecs(region)
        .send(
          new UpdateServiceCommand({ cluster: ref.cluster, service: ref.service, forceNewDeployment: true }),
        ),
    );
    return [{ kind: 'ecs-deployment', region, cluster: ref.cluster, service: ref.service }];
  },
};
