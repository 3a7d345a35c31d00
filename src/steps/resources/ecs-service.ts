import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { describeService, type ServiceRef } from './ecs-deployment.ts';
import type { Resource } from './resource.ts';

export type { ServiceRef };

export interface ServiceState {
  taskDefinition: string;
  desiredCount: number;
}

export const ecsService: Resource<ServiceRef, ServiceState> & { readonly action: true } = {
  kind: 'ecs-service',
  action: true,
  key: (ref) => `ecs-service:${ref.cluster}/${ref.service}`,
  label: (ref) => `ECS service ${ref.cluster}/${ref.service}`,

  async read(region, ref) {
    const service = await describeService(region, ref);
    return { taskDefinition: service.taskDefinition ?? '', desiredCount: service.desiredCount ?? 0 };
  },

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
