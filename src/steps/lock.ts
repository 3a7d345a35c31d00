import { acquireLock, readLock, readPlan, recordPlan, releaseLock } from '../ledger/ledger.ts';
import type { StepContext } from './context.ts';

/** One cutover per migration at a time. A dry-run only reports who holds the lock. */
export async function takeLock(ctx: StepContext): Promise<{ acquired: boolean; heldBy?: string }> {
  if (ctx.plan.dryRun) {
    const lock = await readLock(ctx.ledger);
    return lock?.status === 'held' ? { acquired: false, heldBy: lock.owner } : { acquired: false };
  }
  const taken = await acquireLock(ctx.ledger, ctx.executionId);
  // Also on a retry: the attempt that took the lock may have died before recording the plan.
  if (taken.acquired || (await readPlan(ctx.ledger)) === undefined) await recordPlan(ctx.ledger, ctx.plan);
  return taken;
}

export async function giveBackLock(ctx: StepContext): Promise<{ released: boolean }> {
  if (ctx.plan.dryRun) return { released: false };
  return releaseLock(ctx.ledger, ctx.executionId);
}

/**
 * After a rollback: releases the lock of the cutover it undid (`scope`), or, for a rollback an
 * operator started for the whole migration (`scope` null), whoever holds it.
 */
export async function releaseAfterRollback(
  ctx: StepContext,
  scope: string | null,
): Promise<{ released: boolean }> {
  const lock = await readLock(ctx.ledger);
  if (lock?.status !== 'held' || (scope !== null && lock.owner !== scope)) return { released: false };
  return releaseLock(ctx.ledger, lock.owner);
}
