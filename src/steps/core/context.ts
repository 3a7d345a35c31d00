import { requireEnv } from '../../config.ts';
import type { LedgerLocation } from '../../ledger/table.ts';
import type { Plan } from '../../plan/schema.ts';

/** Read at load: a function deployed without its table fails before it touches anything. */
const ledgerTable = requireEnv('LEDGER_TABLE');

/** What every step knows: the plan, where its ledger is, and who is acting. */
export interface StepContext {
  plan: Plan;
  ledger: LedgerLocation;
  /** The state name, recorded with each change so an operator can see which step made it. */
  step: string;
  executionId: string;
}

/** Where a migration's ledger lives: the deployed table, in the function's own region. */
export function ledgerOf(migrationId: string, planRegion: string): LedgerLocation {
  return { table: ledgerTable, region: process.env.AWS_REGION ?? planRegion, migrationId };
}

export function stepContext(plan: Plan, step: string, executionId: string): StepContext {
  return { plan, step, executionId, ledger: ledgerOf(plan.migrationId, plan.region) };
}
