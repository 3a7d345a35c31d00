import { contextFrom } from '../src/steps/input.ts';
import { giveBackLock } from '../src/steps/lock.ts';

export const handler = async (event: unknown) => giveBackLock(contextFrom(event, 'ReleaseLock'));
