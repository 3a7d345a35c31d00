import * as z from 'zod';
import { ledgerOf } from '../src/steps/core/context.ts';
import { parseInput } from '../src/steps/core/input.ts';
import { shardProgress, sweepSettings } from '../src/steps/core/sweep.ts';
import { sweepUsers } from '../src/steps/sweep-users.ts';
import { carryRuleFromEnv } from '../src/triggers/attributes.ts';

const input = z.object({
  settings: sweepSettings,
  shard: z.string().regex(/^[0-9a-f]{1,3}$/),
  progress: shardProgress,
});

// The migration trigger's rule (its variables in serverless.yml): a swept user is moved as a signed-in one is.
const carry = carryRuleFromEnv(process.env);

export const handler = async (event: unknown) => {
  const { settings, shard, progress } = parseInput(input, event);
  return sweepUsers({
    settings,
    shard,
    progress,
    carry,
    ledger: ledgerOf(settings.migrationId, settings.region),
  });
};
