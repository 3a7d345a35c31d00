import { requireEnv } from '../../config.ts';
import type { LedgerLocation } from '../../ledger/table.ts';
import type { Plan } from '../../plan/schema.ts';

/** What every step knows: the plan, where its ledger is, and who is acting. */
export interface StepContext {
  plan: Plan;
  ledger: LedgerLocation;
  /** The state name, recorded with each change so an operator can see which step made it. */
  step: string;
  executionId: string;
}

/**
 * Where a migration's ledger lives: the deployed table, in the function's own region. Read as the
 * handler starts: a function deployed without its table fails before it touches anything.
 */
export function ledgerOf(migrationId: string, planRegion: string): LedgerLocation {
  return { table: requireEnv('LEDGER_TABLE'), region: process.env.AWS_REGION ?? planRegion, migrationId };
}

/** What a step's handler starts with, once per invocation (`stepLogger` tags its log lines by it). */
export function stepContext(plan: Plan, step: string, executionId: string): StepContext {
  return { plan, step, executionId, ledger: ledgerOf(plan.migrationId, plan.region) };
}
