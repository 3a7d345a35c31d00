import {
  ClusterNotFoundException,
  type DescribeServicesCommandInput,
  type DescribeServicesCommandOutput,
  ECSServiceException,
  type Service,
  ServiceNotFoundException,
  type UpdateServiceCommandInput,
  type UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import { type Env, fail, nextId, type Out, type ServiceModel, uuid } from '../core.ts';
import { type Cluster, type EcsService, serviceArn, type World } from '../world.ts';

/** Clusters and services may be named by name or ARN; ECS falls back to the `default` cluster. */
const lastSegment = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function clusterOf(world: World, ref: string | undefined): Cluster {
  return (
    world.clusters.get(lastSegment(ref ?? 'default')) ?? fail(ClusterNotFoundException, 'Cluster not found.')
  );
}

function serviceOut(service: EcsService): Service {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    status: 'ACTIVE',
    desiredCount: service.desiredCount,
    // Old tasks keep serving until the new ones are up, so the running count never dips.
    runningCount: service.desiredCount,
    pendingCount: primary?.rolloutState === 'IN_PROGRESS' ? service.desiredCount : 0,
    launchType: 'FARGATE',
    taskDefinition: service.taskDefinition,
    deploymentController: { type: 'ECS' },
    createdAt: new Date(service.createdAt),
    deployments: service.deployments.map((d) => {
      const done = d.rolloutState === 'COMPLETED';
      return {
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinition,
        desiredCount: d.desiredCount,
        runningCount: done || d.status === 'ACTIVE' ? d.desiredCount : 0,
        pendingCount: done || d.status === 'ACTIVE' ? 0 : d.desiredCount,
        failedTasks: 0,
        launchType: 'FARGATE',
        rolloutState: d.rolloutState,
        rolloutStateReason: done
          ? `ECS deployment ${d.id} completed.`
          : `ECS deployment ${d.id} in progress.`,
        createdAt: new Date(d.createdAt),
        updatedAt: new Date(d.updatedAt),
      };
    }),
    events: service.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
  };
}

function DescribeServices(
  input: DescribeServicesCommandInput,
  { world }: Env,
): Out<DescribeServicesCommandOutput> {
  const cluster = clusterOf(world, input.cluster);
  const refs = input.services ?? [];
  const found = refs.flatMap((ref) => {
    const service = cluster.services.get(lastSegment(ref));
    return service ? [serviceOut(service)] : [];
  });
  const failures = refs
    .filter((ref) => !cluster.services.has(lastSegment(ref)))
    .map((ref) => ({
      arn: ref.startsWith('arn:') ? ref : serviceArn(world, cluster.name, ref),
      reason: 'MISSING',
    }));
  return { services: found, failures };
}

function UpdateService(
  input: UpdateServiceCommandInput,
  { world, now }: Env,
): Out<UpdateServiceCommandOutput> {
  const cluster = clusterOf(world, input.cluster);
  const service =
    cluster.services.get(lastSegment(input.service ?? '')) ??
    fail(ServiceNotFoundException, 'Service not found.');
  if (input.desiredCount !== undefined) service.desiredCount = input.desiredCount;
  const taskDefinition = input.taskDefinition
    ? input.taskDefinition.startsWith('arn:')
      ? input.taskDefinition
      : `arn:aws:ecs:${world.region}:${world.accountId}:task-definition/${input.taskDefinition}`
    : service.taskDefinition;
  if (input.forceNewDeployment || taskDefinition !== service.taskDefinition) {
    service.taskDefinition = taskDefinition;
    for (const d of service.deployments) d.status = 'ACTIVE';
    service.deployments.unshift({
      id: `ecs-svc/${String(9_000_000_000_000_000_000n + BigInt(nextId(world)))}`,
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      taskDefinition,
      desiredCount: service.desiredCount,
      createdAt: now,
      updatedAt: now,
    });
  } else {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (primary) primary.desiredCount = service.desiredCount;
  }
  return { service: serviceOut(service) };
}

export const ecs: ServiceModel = {
  exception: ECSServiceException,
  commands: { DescribeServices, UpdateService },
  settle(world, now) {
    const after = world.ecsStabilizeSeconds * 1000;
    for (const service of [...world.clusters.values()].flatMap((c) => [...c.services.values()])) {
      const primary = service.deployments.find((d) => d.status === 'PRIMARY');
      if (primary?.rolloutState !== 'IN_PROGRESS' || now < primary.createdAt + after) continue;
      primary.rolloutState = 'COMPLETED';
      primary.updatedAt = primary.createdAt + after;
      service.deployments = [primary];
      service.events.unshift({
        id: uuid(world),
        createdAt: primary.updatedAt,
        message: `(service ${service.name}) has reached a steady state.`,
      });
    }
  },
};
