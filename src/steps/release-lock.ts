import { readLock, releaseLock } from '../ledger/lock.ts';
import type { StepContext } from './core/context.ts';

// Apart from lock.ts, so releasing the lock needs no grant to look executions up.

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
