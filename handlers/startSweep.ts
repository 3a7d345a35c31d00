import * as z from 'zod';
import { planSchema } from '../src/plan/schema.ts';
import { ledgerOf } from '../src/steps/core/context.ts';
import { parseInput } from '../src/steps/core/input.ts';
import { startSweep } from '../src/steps/start-sweep.ts';

const input = z.object({
  plan: planSchema,
  dryRun: z.boolean().default(false),
  executionId: z.string().min(1),
});

/** `{ plan, dryRun }` as the operator started the sweep → the settings its shards' workers read. */
export const handler = async (event: unknown) => {
  const { plan, dryRun, executionId } = parseInput(input, event);
  return startSweep(plan, dryRun, executionId, ledgerOf(plan.migrationId, plan.region));
};
