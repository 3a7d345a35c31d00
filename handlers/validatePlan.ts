import * as z from 'zod';
import { parseInput } from '../src/steps/input.ts';
import { validatePlan } from '../src/steps/validate.ts';

const input = z.object({ input: z.unknown(), executionId: z.string().min(1) });

export const handler = async (event: unknown) => {
  const { input: plan, executionId } = parseInput(input, event);
  return validatePlan(plan, executionId);
};
