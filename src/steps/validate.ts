import { type Plan, parsePlan } from '../plan/schema.ts';

/** The first state: an invalid plan stops here, before anything is touched, naming every bad field. */
export function validatePlan(input: unknown, executionId: string): { plan: Plan; executionId: string } {
  return { plan: parsePlan(input), executionId };
}
