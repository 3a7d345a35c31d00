import { prepareDns } from '../src/steps/dns.ts';
import { contextFrom } from '../src/steps/input.ts';

export const handler = async (event: unknown) => prepareDns(contextFrom(event, 'PrepareDns'));
