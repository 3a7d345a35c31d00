import { z } from 'zod';
import { planSchema } from '../src/plan/schema.ts';
import { stepContext } from '../src/steps/context.ts';
import { parseInput } from '../src/steps/input.ts';
import { nothingToRestore, rollback } from '../src/steps/rollback.ts';

// A cutover that failed in ValidatePlan has no plan yet, and so nothing to undo.
const input = z.looseObject({ plan: z.unknown().optional(), executionId: z.string().min(1) });

export const handler = async (event: unknown) => {
  const { plan, executionId } = parseInput(input, event);
  const valid = planSchema.safeParse(plan);
  if (!valid.success) return nothingToRestore('No valid plan: nothing was changed.', false);
  return rollback(stepContext(valid.data, 'Rollback', executionId));
};
