import * as z from 'zod';
import { ledgerOf } from '../src/steps/core/context.ts';
import { parseInput } from '../src/steps/core/input.ts';
import { countGained } from '../src/steps/count-gained.ts';
import { shardProgress } from '../src/steps/gained-report.ts';
import { carryRuleFromEnv } from '../src/triggers/attributes.ts';

const input = z.object({
  census: z.object({
    migrationId: z.string().min(1),
    region: z.string().min(1),
    userPoolId: z.string().min(1),
    since: z.iso.datetime(),
    rollbackId: z.string().min(1),
    perSecond: z.number().positive(),
    workers: z.int().min(1),
  }),
  shard: z.string().regex(/^[0-9a-f]$/),
  progress: shardProgress,
});

export const handler = async (event: unknown) => {
  const { census, shard, progress } = parseInput(input, event);
  return countGained({
    ...census,
    ledger: ledgerOf(census.migrationId, census.region),
    shard,
    progress,
    // The migration trigger keeps the old sub here: the mark of a user it moved.
    legacySubAttribute: carryRuleFromEnv(process.env).legacySubAttribute,
  });
};
