import { nowIso } from '../clock.ts';
import { getChange } from '../ledger/changes.ts';
import type { Plan } from '../plan/schema.ts';
import { applyChange, applyChangeFound } from './change.ts';
import type { StepContext } from './context.ts';
import { recordRef } from './resources/reads/route53-record.ts';
import {
  answerTtl,
  desiredRecord,
  effectiveTtl,
  type RecordState,
  route53Record,
} from './resources/route53-record.ts';

const changeIds = (pending: { kind: string; changeId?: string }[]) =>
  pending.flatMap((p) => (p.kind === 'dns-change' && p.changeId ? [p.changeId] : []));

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

/** Points the record at the new front end. Resolvers may keep the old answer for `waitSeconds`. */
export async function switchDns(ctx: StepContext) {
  const ref = recordRef(ctx.plan);
  const { report: change, found: before } = await applyChangeFound(ctx, route53Record, ref, (current) =>
    desiredRecord(ref, ctx.plan.dns.target, ctx.plan.dns.cutoverTtlSeconds, current),
  );
  return {
    changed: change.changed,
    change,
    changeIds: changeIds(change.pending),
    // Resolvers may hold the old answer for its TTL: an alias's is its target's.
    waitSeconds: before ? await answerTtl(ctx.plan.region, ref, before) : ctx.plan.dns.cutoverTtlSeconds,
    // The dry-run reports a record that no longer holds what the plan expects.
    drift: ctx.plan.dryRun ? dnsDrift(ctx.plan, before) : [],
    at: nowIso(),
  };
}

/** The record differs from `dns.expected`, the state the plan says it is in before cutover. */
export function dnsDrift(plan: Plan, current: RecordState | null): string[] {
  const expected = plan.dns.expected;
  if (!expected) return [];
  const actual = current?.alias?.dnsName ?? current?.values?.join(', ') ?? '(absent)';
  const wanted =
    'aliasDnsName' in expected
      ? `${expected.aliasDnsName.toLowerCase().replace(/\.?$/, '.')}`
      : expected.values.join(', ');
  return actual === wanted
    ? []
    : [
        `DNS record ${plan.dns.recordName} ${plan.dns.recordType} points at ${actual}, but the plan expects ${wanted} (dns.expected): find out who changed it before cutover day.`,
      ];
}

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
