import { nowIso } from '../clock.ts';
import { freezeKind } from '../kinds/index.ts';
import { getChange } from '../ledger/changes.ts';
import { freezeResources } from '../resources/freezes.ts';
import { restoreChange } from './core/change.ts';
import type { StepContext } from './core/context.ts';

/** Lifts the freeze by restoring exactly what RestrictWrites found, in reverse order. */
export async function releaseWrites(ctx: StepContext) {
  const released: string[] = [];
  for (const item of [...ctx.plan.writeFreeze].reverse()) {
    const resource = freezeResources[item.kind];
    const entry = await getChange(ctx.ledger, resource.key(freezeKind(item).ref(item) as never));
    if (ctx.plan.dryRun || !entry || entry.executionId !== ctx.executionId) continue;
    const restored = await restoreChange(ctx, entry, resource);
    if (restored.changed) released.push(restored.key);
  }
  return { released, at: nowIso() };
}
