import { ServiceNotStable } from '../errors.ts';
import { type DeploymentStatus, deploymentStatus } from '../resources/ecs-deployment.ts';
import { functionUpdateStatus } from '../resources/lambda-update.ts';
import type { Pending } from '../resources/resource.ts';
import { elapsedSince } from './core/polling.ts';

/** A redeploy that has not settled in twenty minutes is failing; ECS keeps trying, we roll back. */
export const SERVICE_STABLE_LIMIT_SECONDS = 1200;

interface Settling {
  service: string;
  status: DeploymentStatus;
  reason?: string;
}

async function statusOf(pending: Pending): Promise<Settling[]> {
  switch (pending.kind) {
    case 'ecs-deployment':
      return [
        {
          service: `${pending.cluster}/${pending.service}`,
          status: await deploymentStatus(pending.region, pending),
        },
      ];
    case 'lambda-update':
      return [
        {
          service: `Lambda function ${pending.functionName}${pending.alias ? ` (alias ${pending.alias})` : ''}`,
          ...(await functionUpdateStatus(pending)),
        },
      ];
    case 'dns-change':
      return [];
  }
}

/**
 * One poll of the Wait/Check loop over what SwitchServices (or a rollback's Restore) left running:
 * ECS redeploys and Lambda configuration updates. A service counts as switched once its own settles.
 */
export async function checkServices(deployments: Pending[], since: string) {
  const statuses = (await Promise.all(deployments.map(statusOf))).flat();
  const failed = statuses.filter((s) => s.status === 'FAILED');
  if (failed.length > 0) {
    throw new ServiceNotStable(
      `Update failed for ${failed.map((f) => (f.reason ? `${f.service} (${f.reason})` : f.service)).join(', ')}: see the ECS service's events or the function's LastUpdateStatusReason, fix the cause, then start the cutover again.`,
    );
  }
  const settled = statuses.every((s) => s.status === 'COMPLETED');
  if (!settled && elapsedSince(since) > SERVICE_STABLE_LIMIT_SECONDS) {
    const waiting = statuses.filter((s) => s.status !== 'COMPLETED').map((s) => s.service);
    throw new ServiceNotStable(
      `Update of ${waiting.join(', ')} not complete after ${SERVICE_STABLE_LIMIT_SECONDS} s: check an ECS service's stopped tasks, or a function's LastUpdateStatus.`,
    );
  }
  return { settled, statuses };
}
