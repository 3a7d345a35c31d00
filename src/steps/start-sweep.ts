import { nowIso } from '../clock.ts';
import { SweepNotDue } from '../errors.ts';
import type { Plan } from '../plan/schema.ts';
import { SHARDS, type SweepSettings, WORKERS } from './core/sweep.ts';

/** Share of a shard's users the new pool may refuse before the sweep stops: more means a fault common to all. */
const TOLERATED_FAILURE_PERCENT = 5;

/**
 * The sweep's first state: whether it may move users now, and the settings every shard's worker
 * reads. A dry-run may run any time; a sweep that moves users only once the plan's cut-off
 * (`finish.sweepAfter`, what users were told) has passed.
 */
export function startSweep(plan: Plan, dryRun: boolean, executionId: string) {
  const now = nowIso();
  const after = plan.finish.sweepAfter;
  if (!dryRun && !after) {
    throw new SweepNotDue(
      `The plan sets no finish.sweepAfter: set it to the cut-off you told users of (e.g. "${now.slice(0, 10)}T00:00:00Z" plus the notice period), or run the sweep as a dry-run ({"dryRun": true}) to count.`,
    );
  }
  if (!dryRun && after && Date.parse(after) > Date.parse(now)) {
    throw new SweepNotDue(
      `Users were told the sweep comes after ${after}; it is ${now}. Start it after that time, or run it as a dry-run ({"dryRun": true}) to count.`,
    );
  }
  const settings: SweepSettings = {
    sweepId: executionId.split(':').at(-1) ?? executionId,
    migrationId: plan.migrationId,
    // The machine is cognito-cutover-<stage>-sweep: its executions' ARNs name the stage.
    stage: /:execution:[\w-]+?-([\w-]+)-sweep:/.exec(executionId)?.[1] ?? 'STAGE',
    region: plan.region,
    oldUserPoolId: plan.oldPool.userPoolId,
    newUserPoolId: plan.newPool.userPoolId,
    perSecond: plan.quotas.createUsersPerSecond,
    workers: WORKERS,
    dryRun,
    toleratedFailurePercent: TOLERATED_FAILURE_PERCENT,
    startedAt: now,
  };
  return { settings, shards: SHARDS };
}
