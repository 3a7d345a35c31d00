import type { SweepTotals } from '../../ledger/sweeps.ts';

/**
 * The old pool as the last sweep that ran to its end counted it, user by user: Cognito has no filter
 * for "moved", so this is the one exact count. A stopped sweep read only part of the pool.
 */
export interface CensusSplit {
  census: SweepTotals;
  /** Old-pool users also in the new pool. */
  moved: number;
  /** Old-pool users only there: those a sweep would still move, and the `skipped`. */
  remaining: number;
  /** Never moved on purpose: disabled, or signing in elsewhere. */
  skipped: number;
  /** Users a sweep would still move (or, after a sweep, those the new pool refused). */
  toMove: number;
}

export function lastCensus(sweeps: readonly SweepTotals[]): CensusSplit | undefined {
  const census = sweeps
    .filter((sweep) => sweep.status === 'SUCCEEDED')
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt))
    .at(-1);
  if (!census) return undefined;
  // A dry-run's `moved` is who it would move; a sweep's, who it did.
  const toMove = census.dryRun ? census.moved : census.failed;
  return {
    census,
    moved: census.alreadyInNewPool + (census.dryRun ? 0 : census.moved),
    remaining: toMove + census.skipped,
    skipped: census.skipped,
    toMove,
  };
}
