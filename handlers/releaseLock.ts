import { contextFrom } from '../src/steps/input.ts';
import { giveBackLock } from '../src/steps/unlock.ts';

export const handler = async (event: unknown) => giveBackLock(contextFrom(event, 'ReleaseLock'));
