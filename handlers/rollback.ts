import * as z from 'zod';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { rollback } from '../src/steps/rollback.ts';

const input = z.looseObject({ scope: z.string().nullable() });

export const handler = async (event: unknown) =>
  rollback(contextFrom(event, 'Restore'), parseInput(input, event).scope);
