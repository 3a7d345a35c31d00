import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { nowIso } from '../clock.ts';
import { freezeKind } from '../kinds/index.ts';
import { getChange } from '../ledger/changes.ts';
import { metrics } from '../metrics.ts';
import { freezeResources } from '../resources/freezes.ts';
import { restoreChange } from './core/change.ts';
import type { StepContext } from './core/context.ts';

/**
 * Lifts the freeze by restoring exactly what RestrictWrites found, in reverse order, and publishes
 * how long writes were frozen (`WriteFreezeSeconds`, from the first freeze applied), which the
 * stack's dashboard shows for the last cutover.
 */
export async function releaseWrites(ctx: StepContext) {
  const released: string[] = [];
  let frozenSince: number | undefined;
  for (const item of [...ctx.plan.writeFreeze].reverse()) {
    const resource = freezeResources[item.kind];
    const entry = await getChange(ctx.ledger, resource.key(freezeKind(item).ref(item) as never));
    if (ctx.plan.dryRun || !entry || entry.executionId !== ctx.executionId) continue;
    const applied = entry.appliedAt ? Date.parse(entry.appliedAt) : Number.NaN;
    if (!Number.isNaN(applied)) frozenSince = Math.min(frozenSince ?? applied, applied);
    const restored = await restoreChange(ctx, entry, resource);
    if (restored.changed) released.push(restored.key);
  }
  const at = nowIso();
  if (released.length > 0 && frozenSince !== undefined) {
    metrics.addMetric(
      'WriteFreezeSeconds',
      MetricUnit.Seconds,
      Math.round((Date.parse(at) - frozenSince) / 1000),
    );
    metrics.publishStoredMetrics();
  }
  return { released, at };
}
