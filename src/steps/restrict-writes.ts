import { nowIso } from '../clock.ts';
import { freezeKind } from '../kinds/index.ts';
import { freezeResources } from '../resources/freezes.ts';
import { applyItem, type ChangeReport } from './core/change.ts';
import type { StepContext } from './core/context.ts';

/** Freezes writes on the user-management API; reads keep working. */
export async function restrictWrites(ctx: StepContext) {
  const changes: ChangeReport[] = [];
  for (const item of ctx.plan.writeFreeze) {
    changes.push(
      (await applyItem(ctx, freezeResources[item.kind], freezeKind(item), item, undefined)).report,
    );
  }
  return { changes, at: nowIso() };
}
