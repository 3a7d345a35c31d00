import { nowIso } from '../clock.ts';
import type { Plan } from '../plan/schema.ts';
import { recordRef } from '../resources/reads/route53-record.ts';
import {
  answerTtl,
  changeIds,
  desiredRecord,
  type RecordState,
  route53Record,
} from '../resources/route53-record.ts';
import { applyChangeFound } from './core/change.ts';
import type { StepContext } from './core/context.ts';

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
