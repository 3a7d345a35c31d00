import type { StepContext } from './core/context.ts';
import { switchServices } from './switch-services.ts';

/**
 * Closes the grace window: every binding is brought to its state without the old pool, which changes
 * only what trusted both (an authorizer now trusts the new pool alone); the rest is already so and
 * is left alone. The ledger keeps what each resource held before the cutover, so a rollback still
 * restores that.
 */
export async function retireOldIssuer(ctx: StepContext) {
  const { changes, deployments, settled, at } = await switchServices(ctx, false);
  return { changes: changes.filter((c) => c.changed || c.planned), deployments, settled, at };
}
