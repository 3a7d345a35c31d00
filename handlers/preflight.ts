import { contextFrom } from '../src/steps/core/input.ts';
import { preflight } from '../src/steps/preflight.ts';

export const handler = async (event: unknown) => preflight(contextFrom(event, 'Preflight'));
