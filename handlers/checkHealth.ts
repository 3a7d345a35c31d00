import * as z from 'zod';
import { planSchema } from '../src/plan/schema.ts';
import { checkHealth, watchGrace } from '../src/steps/check-health.ts';
import { parseInput } from '../src/steps/core/input.ts';

const input = z.union([
  z.object({
    plan: planSchema,
    gate: z.object({ passes: z.int().min(0), polls: z.int().min(0), startedAt: z.iso.datetime().optional() }),
  }),
  z.object({
    plan: planSchema,
    grace: z.object({
      since: z.iso.datetime(),
      seconds: z.int().min(0),
      failures: z.int().min(0),
      polls: z.int().min(0),
    }),
  }),
]);

/** A poll of the health gate, or (with `grace`) of the grace window. */
export const handler = async (event: unknown) => {
  const parsed = parseInput(input, event);
  return 'grace' in parsed ? watchGrace(parsed.plan, parsed.grace) : checkHealth(parsed.plan, parsed.gate);
};
