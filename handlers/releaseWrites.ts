import { contextFrom } from '../src/steps/core/input.ts';
import { releaseWrites } from '../src/steps/release-writes.ts';

export const handler = async (event: unknown) => releaseWrites(contextFrom(event, 'ReleaseWrites'));
