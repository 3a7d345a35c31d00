import { contextFrom } from '../src/steps/core/input.ts';
import { restrictWrites } from '../src/steps/freeze.ts';

export const handler = async (event: unknown) => restrictWrites(contextFrom(event, 'RestrictWrites'));
