import { contextFrom } from '../src/steps/input.ts';
import { takeLock } from '../src/steps/lock.ts';

export const handler = async (event: unknown) => takeLock(contextFrom(event, 'AcquireLock'));
