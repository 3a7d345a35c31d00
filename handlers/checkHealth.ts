import * as z from 'zod';
import { planSchema } from '../src/plan/schema.ts';
import { checkHealth } from '../src/steps/check-health.ts';
import { parseInput } from '../src/steps/core/input.ts';

const input = z.object({
  plan: planSchema,
  gate: z.object({ passes: z.int().min(0), polls: z.int().min(0), startedAt: z.iso.datetime().optional() }),
});

export const handler = async (event: unknown) => {
  const { plan, gate } = parseInput(input, event);
  return checkHealth(plan, gate);
};
