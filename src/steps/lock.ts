import { acquireLock, readLock, releaseLock } from '../ledger/ledger.ts';
import type { StepContext } from './context.ts';

/** One cutover per migration at a time. A dry-run only reports who holds the lock. */
export async function takeLock(ctx: StepContext): Promise<{ acquired: boolean; heldBy?: string }> {
  if (ctx.plan.dryRun) {
    const lock = await readLock(ctx.ledger);
    return lock?.status === 'held' ? { acquired: false, heldBy: lock.owner } : { acquired: false };
  }
  return acquireLock(ctx.ledger, ctx.executionId);
}

export async function giveBackLock(ctx: StepContext): Promise<{ released: boolean }> {
  if (ctx.plan.dryRun) return { released: false };
  return releaseLock(ctx.ledger, ctx.executionId);
}
