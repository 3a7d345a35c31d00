import { contextFrom } from '../src/steps/core/input.ts';
import { prepareDns } from '../src/steps/prepare-dns.ts';

export const handler = async (event: unknown) => prepareDns(contextFrom(event, 'PrepareDns'));
