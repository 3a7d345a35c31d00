import * as z from 'zod';
import { ledgerOf } from '../src/steps/core/context.ts';
import { parseInput } from '../src/steps/core/input.ts';
import { shardProgress, sweepSettings } from '../src/steps/core/sweep.ts';
import { sweepReport } from '../src/steps/sweep-report.ts';

const input = z.object({
  settings: sweepSettings,
  operatorsTopicArn: z.string().min(1),
  // Every shard's progress; absent when the sweep stopped part way (the Map failed).
  shards: z.array(shardProgress).default([]),
  stopped: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

export const handler = async (event: unknown) => {
  const { settings, operatorsTopicArn, shards, stopped } = parseInput(input, event);
  return sweepReport(
    settings,
    shards,
    ledgerOf(settings.migrationId, settings.region),
    operatorsTopicArn,
    stopped,
  );
};
