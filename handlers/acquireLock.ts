import { takeLock } from '../src/steps/acquire-lock.ts';
import { contextFrom } from '../src/steps/core/input.ts';

export const handler = async (event: unknown) => takeLock(contextFrom(event, 'AcquireLock'));
