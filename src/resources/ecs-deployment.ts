import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { ResourceNotFound } from '../errors.ts';
import type { ServiceRef } from '../kinds/ecs-service.ts';

// Reads of an ECS service, apart from its adapter's redeploy, so a poller is granted only DescribeServices.

export type DeploymentStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export async function describeService(region: string, ref: ServiceRef): Promise<Service> {
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
