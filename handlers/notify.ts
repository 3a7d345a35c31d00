import * as z from 'zod';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { gainedTotals, shardProgress } from '../src/steps/gained-report.ts';
import { notify } from '../src/steps/notify.ts';

const input = z.looseObject({
  event: z.enum(['started', 'done', 'rolled-back', 'rollback-incomplete']),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).nullish(),
  scope: z.string().nullish(),
  nothingLeft: z.boolean().optional(),
  since: z.string().optional(),
  // The rollback's count of what the new pool gained: each shard's counts, or the error that stopped it.
  gained: z
    .union([z.array(shardProgress), z.object({ Error: z.string().optional(), Cause: z.string().optional() })])
    .optional(),
  rollback: z
    .object({ remaining: z.array(z.unknown()), error: z.string().optional() })
    .partial()
    .optional(),
});

export const handler = async (event: unknown) => {
  const { event: notice, failure, rollback, scope, nothingLeft, since, gained } = parseInput(input, event);
  return notify(contextFrom(event, `Notify:${notice}`), notice, {
    ...(failure ? { failure } : {}),
    ...(rollback?.remaining ? { remaining: rollback.remaining } : {}),
    ...(rollback?.error ? { error: rollback.error } : {}),
    ...(notice === 'rolled-back' && scope ? { startedBy: scope } : {}),
    ...(nothingLeft ? { nothingLeft } : {}),
    ...(since && gained && !(Array.isArray(gained) && gained.length === 0)
      ? {
          gained: Array.isArray(gained)
            ? { since, counts: gainedTotals(gained) }
            : { since, error: `${gained.Error ?? 'unknown'}: ${gained.Cause ?? ''}` },
        }
      : {}),
  });
};
