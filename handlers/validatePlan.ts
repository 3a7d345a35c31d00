import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { parseInput } from '../src/steps/core/input.ts';
import { type StagePlan, scheduledPlan, validatePlan } from '../src/steps/validate-plan.ts';

const input = z.object({ input: z.unknown(), executionId: z.string().min(1) });

/** The stage's plan, which serverless.yml packages with this function for the weekly dry-run. */
function stagePlan(): StagePlan | undefined {
  const name = process.env.STAGE_PLAN;
  if (!name) return undefined;
  return {
    name,
    read: () => JSON.parse(readFileSync(join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), name), 'utf8')),
  };
}

export const handler = async (event: unknown) => {
  const { input: given, executionId } = parseInput(input, event);
  return validatePlan(scheduledPlan(given, stagePlan()), executionId);
};
