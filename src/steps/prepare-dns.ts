import { nowIso } from '../clock.ts';
import { getChange } from '../ledger/changes.ts';
import { recordRef } from '../resources/reads/route53-record.ts';
import { changeIds, effectiveTtl, type RecordState, route53Record } from '../resources/route53-record.ts';
import { applyChangeFound } from './core/change.ts';
import type { StepContext } from './core/context.ts';

/**
 * Before the freeze, while users are unaffected: when the record's TTL is above the cutover TTL,
 * lower it, and have the state machine wait for INSYNC and then for the OLD TTL to drain, so that
 * once writes are frozen resolvers pick up the switch within the cutover TTL.
 */
export async function prepareDns(ctx: StepContext) {
  const ref = recordRef(ctx.plan);
  const cutoverTtl = ctx.plan.dns.cutoverTtlSeconds;
  const earlier = await getChange(ctx.ledger, route53Record.key(ref));
  const original = (earlier?.executionId === ctx.executionId ? earlier.before : undefined) as
    | RecordState
    | undefined;
  const { report: change, found: now } = await applyChangeFound(ctx, route53Record, ref, (current) =>
    current && !current.alias && (current.ttl ?? 0) > cutoverTtl ? { ...current, ttl: cutoverTtl } : current,
  );
  // On a retry the TTL is already low, but resolvers may still hold the original answer.
  const found = original ?? now;
  const lowered =
    change.changed || change.planned || (found !== null && !found.alias && (found.ttl ?? 0) > cutoverTtl);
  const drainSeconds = lowered && found ? effectiveTtl(found) : 0;
  return {
    lowered,
    changeIds: changeIds(change.pending),
    drainSeconds,
    ttlSeconds: found ? effectiveTtl(found) : 0,
    at: nowIso(),
  };
}
