import { cancelApproval } from '../approval/waiting.ts';
import { nowIso } from '../clock.ts';
import { requireEnv } from '../config.ts';
import { AwsTransient } from '../errors.ts';
import { isResourceKind } from '../kinds/index.ts';
import { type Change, listChanges } from '../ledger/changes.ts';
import { readLock } from '../ledger/lock.ts';
import { resourceFor, resources } from '../resources/index.ts';
import type { Pending } from '../resources/resource.ts';
import { type RestoreReport, restoreChange } from './core/change.ts';
import type { StepContext } from './core/context.ts';
import { stepLogger } from './core/log.ts';

/** A change rollback could not undo: what an operator must put back by hand. */
export interface Remaining {
  resource: string;
  current: unknown;
  restoreTo: unknown;
  error: string;
}

async function currentState(ctx: StepContext, change: Change): Promise<unknown> {
  try {
    return await resourceFor(change.kind).read(ctx.plan.region, change.ref as never);
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}

/**
 * A go/no-go the cutover left waiting in the console (it timed out, failed or was aborted while
 * asking) is cancelled, so no approver answers a question nobody asks any more. Not being able to
 * is logged, never a reason to leave changes unrestored.
 */
async function closeApproval(ctx: StepContext, executionArn: string): Promise<void> {
  if (ctx.plan.approval.approvers.length === 0) return;
  try {
    const cancelled = await cancelApproval(ctx.plan.region, requireEnv('APPROVAL_DOCUMENT'), executionArn);
    if (cancelled)
      stepLogger(ctx).info('cancelled the waiting go/no-go', { automationExecutionId: cancelled });
  } catch (error) {
    if (error instanceof AwsTransient) throw error;
    stepLogger(ctx).warn('could not cancel the waiting go/no-go; cancel it in Systems Manager Automation', {
      error: (error as Error).message,
    });
  }
}

/**
 * Restores, newest first, every change the cutover execution `scope` made, or, when an operator
 * rolls back the whole migration (`scope` null), every change not yet restored. A restore that
 * fails is reported and the others still run; a transient error is raised so the state machine retries
 * the whole step, which skips what is already restored.
 */
export async function rollback(ctx: StepContext, scope: string | null) {
  const lock = await readLock(ctx.ledger);
  if (scope !== null && lock?.status === 'held' && lock.owner !== scope) {
    return nothingToRestore(`The lock is held by ${lock.owner}; its changes were left alone.`, true);
  }
  if (scope !== null) await closeApproval(ctx, scope);
  const changes = await listChanges(ctx.ledger);
  const newestFirst = changes
    .filter((c) => (scope === null || c.executionId === scope) && c.status !== 'restored')
    .reverse();
  // Restored by this very execution, whose Restore is being retried (its function timed out after
  // the writes): it still waits for what those writes left, and still counts them as restored.
  const restoredEarlier = changes.filter((c) => c.status === 'restored' && c.restoredBy === ctx.executionId);
  // Redeploys go last, so new tasks start with the values restored rather than the ones being undone.
  // An unknown kind is not sorted here; restoring it fails below and is reported with the rest.
  const isAction = (c: Change) => isResourceKind(c.kind) && resources[c.kind].action === true;
  const ours = [...newestFirst.filter((c) => !isAction(c)), ...newestFirst.filter(isAction)];
  const restored: RestoreReport[] = [];
  const remaining: Remaining[] = [];
  for (const change of ours) {
    try {
      restored.push(await restoreChange(ctx, change, resourceFor(change.kind)));
    } catch (error) {
      if (error instanceof AwsTransient) throw error;
      stepLogger(ctx).error('restore failed; left for an operator', {
        resource: change.key,
        error: (error as Error).message,
      });
      remaining.push({
        resource: change.key,
        current: await currentState(ctx, change),
        restoreTo: change.before,
        error: (error as Error).message,
      });
    }
  }
  const pending = [
    ...restoredEarlier.flatMap((c) => c.pending as Pending[]),
    ...restored.flatMap((r) => r.pending),
  ];
  const changeIds = pending.flatMap((p) => (p.kind === 'dns-change' ? [p.changeId] : []));
  const deployments = pending.filter((p) => p.kind !== 'dns-change');
  return {
    complete: remaining.length === 0,
    // A rollback after the cutover's own (the rule on FAILED) finds nothing: it says so, once.
    nothingLeft: ours.length === 0 && restoredEarlier.length === 0,
    hasPlan: true,
    restored,
    remaining,
    changeIds,
    dnsPending: changeIds.length > 0,
    deployments,
    servicesPending: deployments.length > 0,
    at: nowIso(),
    // When the cutover began: users the new pool gained from then on are counted before anyone is told.
    since: lock?.acquiredAt ?? nowIso(),
    note:
      ours.length + restoredEarlier.length === 0
        ? 'Nothing was left to restore.'
        : `${restored.length + restoredEarlier.length} change(s) restored.`,
  };
}

/** The result of a rollback that had nothing to do. */
export function nothingToRestore(note: string, hasPlan: boolean) {
  return {
    complete: true,
    nothingLeft: true,
    hasPlan,
    restored: [] as RestoreReport[],
    remaining: [] as Remaining[],
    changeIds: [] as string[],
    dnsPending: false,
    deployments: [] as Pending[],
    servicesPending: false,
    at: nowIso(),
    since: nowIso(),
    note,
  };
}
