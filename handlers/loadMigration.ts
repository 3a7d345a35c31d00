import * as z from 'zod';
import { parseInput } from '../src/steps/core/input.ts';
import { loadMigration, rollbackStart } from '../src/steps/load-migration.ts';

const input = z.object({ input: rollbackStart, executionId: z.string().min(1) });

export const handler = async (event: unknown) => {
  const { input: start, executionId } = parseInput(input, event);
  return loadMigration(start, executionId);
};
