import { contextFrom } from '../src/steps/core/input.ts';
import { restoreTtl } from '../src/steps/restore-ttl.ts';

export const handler = async (event: unknown) => restoreTtl(contextFrom(event, 'RestoreTtl'));
