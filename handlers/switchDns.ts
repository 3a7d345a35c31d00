import { switchDns } from '../src/steps/dns.ts';
import { contextFrom } from '../src/steps/input.ts';

export const handler = async (event: unknown) => switchDns(contextFrom(event, 'SwitchDns'));
