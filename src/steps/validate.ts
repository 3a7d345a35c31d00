import { type Plan, parsePlan } from '../plan/schema.ts';

/**
 * The first state: an invalid plan stops here, before anything is touched, naming every bad field.
 * The schedule starts `{ "dryRunOf": plan }`: the stage's own plan, run as a dry-run.
 */
export function validatePlan(input: unknown, executionId: string): { plan: Plan; executionId: string } {
  return { plan: parsePlan(planInput(input)), executionId };
}

/** The plan an execution input carries: itself, or the one a schedule wraps as `dryRunOf`. */
export function planInput(input: unknown): unknown {
  const scheduled = input && typeof input === 'object' && 'dryRunOf' in input ? input.dryRunOf : undefined;
  return scheduled && typeof scheduled === 'object' ? { ...scheduled, dryRun: true } : input;
}
