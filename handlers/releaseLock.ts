import { contextFrom } from '../src/steps/core/input.ts';
import { giveBackLock } from '../src/steps/release-lock.ts';

export const handler = async (event: unknown) => giveBackLock(contextFrom(event, 'ReleaseLock'));
