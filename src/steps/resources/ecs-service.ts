import { DescribeServicesCommand, type Service, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { ResourceNotFound } from '../../errors.ts';
import type { Resource } from './resource.ts';

export interface ServiceRef {
  cluster: string;
  service: string;
}

export interface ServiceState {
  taskDefinition: string;
  desiredCount: number;
}

export type DeploymentStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

async function describeService(region: string, ref: ServiceRef): Promise<Service> {
  const out = await named(
    `describing ECS service ${ref.cluster}/${ref.service}`,
    aws.ecs(region).send(new DescribeServicesCommand({ cluster: ref.cluster, services: [ref.service] })),
  );
  const found = out.services?.[0];
  // DescribeServices reports an unknown service as a failure (reason MISSING), not an error, and
  // keeps returning a deleted one for a while with status INACTIVE.
  if (out.failures?.length || !found || found.status === 'INACTIVE') {
    const reason = out.failures?.[0]?.reason ?? found?.status ?? 'MISSING';
    throw new ResourceNotFound(`ECS service ${ref.cluster}/${ref.service} not found (${reason})`);
  }
  return found;
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

export async function deploymentStatus(region: string, ref: ServiceRef): Promise<DeploymentStatus> {
  const service = await describeService(region, ref);
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (!primary) return 'IN_PROGRESS';
  if (primary.rolloutState) return primary.rolloutState;
  // Without a rollout state (no circuit breaker reporting), stable means the old deployment is
  // gone and the new one runs every task it wants.
  return deployments.length === 1 && primary.runningCount === primary.desiredCount
    ? 'COMPLETED'
    : 'IN_PROGRESS';
}
