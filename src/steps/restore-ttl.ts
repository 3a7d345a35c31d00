import { getChange } from '../ledger/changes.ts';
import { recordRef } from '../resources/reads/route53-record.ts';
import { type RecordState, route53Record } from '../resources/route53-record.ts';
import { applyChange } from './core/change.ts';
import type { StepContext } from './core/context.ts';

/**
 * After success: give the record back the TTL it had before the cutover lowered it, so resolvers
 * cache it as long as they did before.
 */
export async function restoreTtl(ctx: StepContext) {
  const ref = recordRef(ctx.plan);
  const entry = await getChange(ctx.ledger, route53Record.key(ref));
  const originalTtl = (entry?.before as RecordState | null | undefined)?.ttl;
  if (!originalTtl) return { raised: false, ttlSeconds: null };
  const change = await applyChange(ctx, route53Record, ref, (current) =>
    current && !current.alias && (current.ttl ?? 0) < originalTtl
      ? { ...current, ttl: originalTtl }
      : current,
  );
  return { raised: change.changed || change.planned, ttlSeconds: originalTtl };
}
