// The sweep's items, as read: apart from their writes (swept.ts), so a reader is granted no write.
import { itemsUnder } from './items.ts';
import type { LedgerLocation } from './table.ts';

/**
 * What a sweep could not do, one item per user, under the sweep's execution:
 * `SWEPT#<sweepId>#<username>`. Usernames are personal data, so they live here, where operators fetch
 * them (`cutover sweep --failures`), never in a notice or a log line.
 */
export interface SweptUser {
  username: string;
  /** `refused`: not moved, the new pool refused them; `skipped`: not moved on purpose; `incomplete`: moved, but not whole. */
  outcome: 'refused' | 'skipped' | 'incomplete';
  reason: string;
}

/** A sweep's totals, kept when it ends: `SWEEP#<sweepId>`. */
export interface SweepTotals {
  sweepId: string;
  dryRun: boolean;
  status: 'SUCCEEDED' | 'STOPPED';
  scanned: number;
  moved: number;
  alreadyInNewPool: number;
  failed: number;
  skipped: number;
  throttled: number;
  startedAt: string;
  endedAt: string;
}

/** Item prefixes: a user's `SWEPT#<sweepId>#<username>`, a sweep's totals `SWEEP#<sweepId>`. */
export const USER = 'SWEPT#';
export const TOTALS = 'SWEEP#';

/** The users one sweep (or, without `sweepId`, every sweep of the migration) could not move whole. */
export async function listSwept(
  at: LedgerLocation,
  sweepId?: string,
): Promise<(SweptUser & { sweepId: string })[]> {
  return (await itemsUnder(at, sweepId ? `${USER}${sweepId}#` : USER)).map((item) => {
    const { username, outcome, reason, sweepId: of } = item as unknown as SweptUser & { sweepId: string };
    return { username, outcome, reason, sweepId: of };
  });
}

/** Every sweep of the migration that ended, oldest first. */
export async function listSweeps(at: LedgerLocation): Promise<SweepTotals[]> {
  const sweeps = (await itemsUnder(at, TOTALS)) as unknown as SweepTotals[];
  return sweeps.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
