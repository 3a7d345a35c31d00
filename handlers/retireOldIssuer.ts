import { contextFrom } from '../src/steps/core/input.ts';
import { retireOldIssuer } from '../src/steps/retire-old-issuer.ts';

export const handler = async (event: unknown) => retireOldIssuer(contextFrom(event, 'RetireOldIssuer'));
