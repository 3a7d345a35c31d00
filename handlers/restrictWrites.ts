import { contextFrom } from '../src/steps/core/input.ts';
import { restrictWrites } from '../src/steps/restrict-writes.ts';

export const handler = async (event: unknown) => restrictWrites(contextFrom(event, 'RestrictWrites'));
