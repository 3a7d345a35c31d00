import { nowIso } from '../clock.ts';
import { getChange } from '../ledger/changes.ts';
import type { Freeze } from '../plan/schema.ts';
import { apigatewayPolicy, frozenPolicy } from '../resources/apigateway-policy.ts';
import { setTo, ssmParameter } from '../resources/ssm-parameter.ts';
import { applyChange, type ChangeReport, restoreChange } from './core/change.ts';
import type { StepContext } from './core/context.ts';

function freezeOne(ctx: StepContext, item: Freeze): Promise<ChangeReport> {
  switch (item.kind) {
    case 'apigateway-policy':
      return applyChange(
        ctx,
        apigatewayPolicy,
        { restApiId: item.restApiId, stageName: item.stageName },
        (current) => ({
          policy: frozenPolicy(current.policy, item.methods),
        }),
      );
    case 'ssm-parameter':
      return applyChange(ctx, ssmParameter, { name: item.name }, (current) => setTo(current, item.value));
  }
}

function freezeKey(item: Freeze): string {
  return item.kind === 'apigateway-policy'
    ? apigatewayPolicy.key({ restApiId: item.restApiId, stageName: item.stageName })
    : ssmParameter.key({ name: item.name });
}

/** Freezes writes on the user-management API; reads keep working. */
export async function restrictWrites(ctx: StepContext) {
  const changes: ChangeReport[] = [];
  for (const item of ctx.plan.writeFreeze) changes.push(await freezeOne(ctx, item));
  return { changes, at: nowIso() };
}

/** Lifts the freeze by restoring exactly what RestrictWrites found, in reverse order. */
export async function releaseWrites(ctx: StepContext) {
  const released: string[] = [];
  for (const item of [...ctx.plan.writeFreeze].reverse()) {
    const entry = await getChange(ctx.ledger, freezeKey(item));
    if (ctx.plan.dryRun || !entry || entry.executionId !== ctx.executionId) continue;
    const restored = await restoreChange(
      ctx,
      entry,
      item.kind === 'apigateway-policy' ? apigatewayPolicy : ssmParameter,
    );
    if (restored.changed) released.push(restored.key);
  }
  return { released, at: nowIso() };
}
