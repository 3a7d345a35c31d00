import { restrictWrites } from '../src/steps/freeze.ts';
import { contextFrom } from '../src/steps/input.ts';

export const handler = async (event: unknown) => restrictWrites(contextFrom(event, 'RestrictWrites'));
