import { nowIso } from '../clock.ts';
import { bindingKind, type SwitchTo } from '../kinds/index.ts';
import { bindingResources } from '../resources/bindings.ts';
import { applyItem, type ChangeReport } from './core/change.ts';
import type { StepContext } from './core/context.ts';
import { fillTemplate, poolFacts } from './core/pools.ts';

/**
 * Points each dependent service at the new pool, in plan order, binding by binding. With the grace
 * window on, what trusts a pool keeps trusting the old one too, until RetireOldIssuer.
 */
export async function switchServices(ctx: StepContext, keepOldPool = ctx.plan.grace.enabled) {
  const pools = await poolFacts(ctx.plan);
  const to: SwitchTo = {
    ...pools,
    keepOldPool,
    fill: (template) => fillTemplate(template, ctx.plan, pools),
  };
  const changes: (ChangeReport & { service: string })[] = [];
  for (const service of ctx.plan.services) {
    // A redeploy comes after the values its tasks read: made again if one changed since (a grace
    // value replaced by the final one when the window closes), even by a retry of this step.
    let latest = 0;
    for (const binding of service.bindings) {
      const { report, seq } = await applyItem(
        ctx,
        bindingResources[binding.kind],
        bindingKind(binding),
        binding,
        to,
        latest,
      );
      latest = Math.max(latest, seq ?? 0);
      changes.push({ service: service.name, ...report });
    }
  }
  // Redeploys and function updates run on after the calls: the services are switched once they settle.
  const deployments = changes.flatMap((c) => c.pending.filter((p) => p.kind !== 'dns-change'));
  return { changes, deployments, settled: deployments.length === 0, at: nowIso() };
}
