import { PlanInvalid } from '../errors.ts';
import { type Plan, parsePlan } from '../plan/schema.ts';

/**
 * The first state: an invalid plan stops here, before anything is touched, naming every bad field.
 * The schedule starts `{ "dryRunOfStagePlan": "plans/<stage>.json" }` (see `scheduledPlan`).
 */
export function validatePlan(input: unknown, executionId: string): { plan: Plan; executionId: string } {
  return { plan: parsePlan(planInput(input)), executionId };
}

/** The plan an execution input carries: itself, or the one wrapped as `dryRunOf`, run as a dry-run. */
export function planInput(input: unknown): unknown {
  const scheduled = input && typeof input === 'object' && 'dryRunOf' in input ? input.dryRunOf : undefined;
  return scheduled && typeof scheduled === 'object' ? { ...scheduled, dryRun: true } : input;
}

/** The stage's own plan, packaged with the function that validates plans (serverless.yml). */
export interface StagePlan {
  /** Its path in the package, e.g. `plans/prod.json`. */
  name: string;
  read(): unknown;
}

/**
 * The weekly schedule names the stage's plan rather than carrying it: a schedule's input is limited
 * to 8,192 characters, which a plan of many services passes
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html, `Input`). The plan
 * is read from the function's package, so `{ "dryRunOfStagePlan": name }` becomes
 * `{ "dryRunOf": plan }`; any other input is returned as it is.
 */
export function scheduledPlan(input: unknown, stagePlan: StagePlan | undefined): unknown {
  if (!input || typeof input !== 'object' || !('dryRunOfStagePlan' in input)) return input;
  const named = input.dryRunOfStagePlan;
  if (stagePlan === undefined || named !== stagePlan.name) {
    throw new PlanInvalid([
      {
        path: 'dryRunOfStagePlan',
        message: `names ${JSON.stringify(named)}, but this stage carries ${stagePlan ? stagePlan.name : 'no plan'}: name the stage's own plan, or start the execution with a plan`,
      },
    ]);
  }
  return { dryRunOf: stagePlan.read() };
}
