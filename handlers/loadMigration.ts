import { z } from 'zod';
import { parseInput } from '../src/steps/input.ts';
import { loadMigration } from '../src/steps/migration.ts';

const input = z.object({
  input: z.object({
    migrationId: z.string().min(1),
    region: z.string().min(1),
    cutoverExecutionId: z.string().min(1).optional(),
    failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  }),
  executionId: z.string().min(1),
});

export const handler = async (event: unknown) => {
  const { input: start, executionId } = parseInput(input, event);
  return loadMigration(start, executionId);
};
