import * as z from 'zod';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { releaseAfterRollback } from '../src/steps/release-lock.ts';

const input = z.looseObject({ scope: z.string().nullable() });

export const handler = async (event: unknown) =>
  releaseAfterRollback(contextFrom(event, 'ReleaseLock'), parseInput(input, event).scope);
