import { ServiceNotStable } from '../errors.ts';
import { elapsedSince } from './polling.ts';
import { deploymentStatus } from './resources/ecs-deployment.ts';
import type { Pending } from './resources/resource.ts';

/** A redeploy that has not settled in twenty minutes is failing; ECS keeps trying, we roll back. */
export const SERVICE_STABLE_LIMIT_SECONDS = 1200;

/** One poll of the Wait/DescribeServices loop over the redeploys SwitchServices started. */
export async function checkServices(deployments: Pending[], since: string) {
  const statuses = await Promise.all(
    deployments.flatMap((d) =>
      d.kind === 'ecs-deployment'
        ? [deploymentStatus(d.region, d).then((status) => ({ service: `${d.cluster}/${d.service}`, status }))]
        : [],
    ),
  );
  const failed = statuses.filter((s) => s.status === 'FAILED');
  if (failed.length > 0) {
    throw new ServiceNotStable(
      `ECS deployment failed for ${failed.map((f) => f.service).join(', ')}: see the service's events in the ECS console.`,
    );
  }
  const settled = statuses.every((s) => s.status === 'COMPLETED');
  if (!settled && elapsedSince(since) > SERVICE_STABLE_LIMIT_SECONDS) {
    const waiting = statuses.filter((s) => s.status !== 'COMPLETED').map((s) => s.service);
    throw new ServiceNotStable(
      `ECS deployment of ${waiting.join(', ')} not complete after ${SERVICE_STABLE_LIMIT_SECONDS} s: check its tasks' stopped reasons.`,
    );
  }
  return { settled, statuses };
}
