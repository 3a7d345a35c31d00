// Read side of ../ecs-service.ts, apart from its write for least privilege: Preflight only reads.

import type { ServiceRef, ServiceState } from '../../kinds/ecs-service.ts';
import { describeService } from '../ecs-deployment.ts';
import type { ResourceReader } from '../resource.ts';

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
