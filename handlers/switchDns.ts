import { contextFrom } from '../src/steps/core/input.ts';
import { switchDns } from '../src/steps/switch-dns.ts';

export const handler = async (event: unknown) => switchDns(contextFrom(event, 'SwitchDns'));
