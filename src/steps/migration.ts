import { requireEnv } from '../config.ts';
import { readPlan } from '../ledger/ledger.ts';
import { parsePlan } from '../plan/schema.ts';

const ledgerTable = requireEnv('LEDGER_TABLE');

export interface RollbackStart {
  migrationId: string;
  region: string;
  /** Set when a cutover's failure started the rollback: only that execution's changes are undone. */
  cutoverExecutionId?: string | undefined;
  failure?: { Error?: string | undefined; Cause?: string | undefined } | undefined;
}

/**
 * The first state of a rollback: finds the migration's plan in the ledger, where AcquireLock put
 * it. A migration with no plan there never took the lock, so it changed nothing.
 */
export async function loadMigration(start: RollbackStart, executionId: string) {
  const region = process.env.AWS_REGION ?? start.region;
  const stored = await readPlan({ table: ledgerTable, region, migrationId: start.migrationId });
  const common = { executionId, scope: start.cutoverExecutionId ?? null, failure: start.failure ?? null };
  if (stored === undefined) return { found: false, ...common };
  return { found: true, plan: parsePlan(stored), ...common };
}
