import { releaseWrites } from '../src/steps/freeze.ts';
import { contextFrom } from '../src/steps/input.ts';

export const handler = async (event: unknown) => releaseWrites(contextFrom(event, 'ReleaseWrites'));
