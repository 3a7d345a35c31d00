import * as z from 'zod';
import { checkDnsSync } from '../src/steps/check-dns-sync.ts';
import { parseInput } from '../src/steps/core/input.ts';

const input = z.object({ region: z.string(), changeIds: z.array(z.string()), since: z.iso.datetime() });

export const handler = async (event: unknown) => {
  const { region, changeIds, since } = parseInput(input, event);
  return checkDnsSync(region, changeIds, since);
};
