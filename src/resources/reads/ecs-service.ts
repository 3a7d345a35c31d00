// Read side of ../ecs-service.ts, apart from its write for least privilege: Preflight only reads.

import { describeService, type ServiceRef } from '../ecs-deployment.ts';
import type { ResourceReader } from '../resource.ts';

export type { ServiceRef };

export interface ServiceState {
  taskDefinition: string;
  desiredCount: number;
}

export const ecsServiceReader: ResourceReader<ServiceRef, ServiceState> & { readonly action: true } = {
  kind: 'ecs-service',
  action: true,
  key: (ref) => `ecs-service:${ref.cluster}/${ref.service}`,
  label: (ref) => `ECS service ${ref.cluster}/${ref.service}`,

  async read(region, ref) {
    const service = await describeService(region, ref);
    return { taskDefinition: service.taskDefinition ?? '', desiredCount: service.desiredCount ?? 0 };
  },
};
