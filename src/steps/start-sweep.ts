import { nowIso } from '../clock.ts';
import { SweepNotDue } from '../errors.ts';
import { noticeSentAt } from '../ledger/notices.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import type { Plan } from '../plan/schema.ts';
import { describePool } from './core/pools.ts';
import { type SweepSettings, shardsFor, WORKERS } from './core/sweep.ts';

export const DAY_MS = 86_400_000;

/** The ledger's name for the notice of one cut-off: a new date is a new notice. */
export const announcement = (sweepAfter: string) => `sweep#${sweepAfter}#users`;

/** When users were told of this cut-off, early enough; a refusal that says what to do otherwise. */
export async function checkAnnounced(plan: Plan, ledger: LedgerLocation, stage: string): Promise<void> {
  const after = plan.finish.sweepAfter;
  if (!after) return;
  const days = plan.finish.announceDaysAhead;
  const sentAt = await noticeSentAt(ledger, announcement(after));
  if (sentAt && Date.parse(sentAt) <= Date.parse(after) - days * DAY_MS) return;
  throw new SweepNotDue(
    sentAt
      ? `Users were told of the sweep on ${sentAt}, less than finish.announceDaysAhead (${days}) days before ${after}: move finish.sweepAfter to ${new Date(Date.parse(sentAt) + days * DAY_MS).toISOString()} or later, announce it again, and start the sweep then.`
      : `Users were not told of the sweep: run \`cutover sweep --announce --stage ${stage}\` at least ${days} days before finish.sweepAfter (${after}), or move finish.sweepAfter later. A dry-run ({"dryRun": true}) counts meanwhile.`,
  );
}

/** Share of a shard's users the new pool may refuse before the sweep stops: more means a fault common to all. */
const TOLERATED_FAILURE_PERCENT = 5;

/**
 * The sweep's first state: whether it may move users now, and the settings every shard's worker
 * reads. A dry-run may run any time; a sweep that moves users only once users were told
 * (`cutover sweep --announce`) and the cut-off they were told of (`finish.sweepAfter`) has passed.
 */
export async function startSweep(plan: Plan, dryRun: boolean, executionId: string, ledger: LedgerLocation) {
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
  const stage = /:execution:cognito-cutover-([\w-]+)-sweep:/.exec(executionId)?.[1] ?? 'STAGE';
  if (!dryRun) await checkAnnounced(plan, ledger, stage);
  const settings: SweepSettings = {
    sweepId: executionId.split(':').at(-1) ?? executionId,
    migrationId: plan.migrationId,
    // The machine is cognito-cutover-<stage>-sweep: its executions' ARNs name the stage.
    stage,
    region: plan.region,
    oldUserPoolId: plan.oldPool.userPoolId,
    newUserPoolId: plan.newPool.userPoolId,
    perSecond: plan.quotas.createUsersPerSecond,
    workers: WORKERS,
    dryRun,
    toleratedFailurePercent: TOLERATED_FAILURE_PERCENT,
    startedAt: now,
  };
  // Cognito's own estimate of the old pool's size is enough to choose how finely to shard it.
  const pool = await describePool(plan.region, plan.oldPool.userPoolId, 'old');
  return { settings, shards: shardsFor(pool.described.EstimatedNumberOfUsers ?? 0) };
}
