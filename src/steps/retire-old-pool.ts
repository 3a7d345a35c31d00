import { bindingKind, type SwitchTo } from '../kinds/index.ts';
import { readLock } from '../ledger/lock.ts';
import { listSweeps } from '../ledger/sweeps.ts';
import { bindingResources } from '../resources/bindings.ts';
import { cognitoAppClient, cognitoMigrationTrigger } from '../resources/cognito-pool.ts';
import { type AnyResource, sameState } from '../resources/resource.ts';
import { appClientIds } from './core/app-clients.ts';
import { type CensusSplit, lastCensus } from './core/census.ts';
import { applyChange, type ChangeReport } from './core/change.ts';
import type { StepContext } from './core/context.ts';
import { fillTemplate, poolFacts } from './core/pools.ts';

/**
 * Retires the old pool once nothing needs it: nobody left to move, no binding or authorizer naming
 * it, no cutover (and so no grace window) running. It detaches the new pool's migration trigger and
 * stops sign-in through each of the old pool's app clients, each change kept in the ledger first so
 * `cutover rollback` puts it back. It never deletes a pool: what a person must still do is listed.
 */

export type RefusalReason = 'grace-window' | 'not-counted' | 'users-remain' | 'binding';

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

export interface RetireReport {
  migrationId: string;
  dryRun: boolean;
  /** RETIRED: changed now; UNCHANGED: retired already; WOULD_RETIRE: a dry-run that may go; REFUSED: see refusals. */
  status: 'RETIRED' | 'UNCHANGED' | 'WOULD_RETIRE' | 'REFUSED';
  refusals: Refusal[];
  changes: ChangeReport[];
  /** What a person must still do; empty when refused. */
  stillToDo: string[];
}

/** The only flow that signs nobody in: an empty list would be taken for none, and Cognito's defaults turned on. */
export const RETIRED_CLIENT = { explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH' as const], oauth: false };

async function graceWindow(ctx: StepContext, where: string): Promise<Refusal[]> {
  const lock = await readLock(ctx.ledger);
  if (lock?.status !== 'held') return [];
  return [
    {
      reason: 'grace-window',
      message: `A cutover of ${ctx.plan.migrationId} still runs (${lock.owner}), and while it runs its grace window may be open, with the old pool's tokens trusted: let it end (cutover status ${where} --watch), then retire.`,
    },
  ];
}

function usersRemain(counted: CensusSplit | undefined, where: string): Refusal[] {
  if (!counted)
    return [
      {
        reason: 'not-counted',
        message: `No sweep has counted the old pool, so nobody knows who is still only there: run cutover sweep --dry-run ${where}, and retire once it finds nobody to move.`,
      },
    ];
  if (counted.toMove === 0) return [];
  const { census } = counted;
  return [
    {
      reason: 'users-remain',
      message: census.dryRun
        ? `${counted.toMove} user(s) are still only in the old pool (the dry-run ${census.sweepId} of ${census.endedAt}): sweep them (cutover sweep ${where}) or move each one (cutover migrate-user), then count again.`
        : `${counted.toMove} user(s) the sweep ${census.sweepId} could not move are still only in the old pool: see why (cutover sweep --failures ${census.sweepId} ${where}), move them, then count again (cutover sweep --dry-run ${where}).`,
    },
  ];
}

/** A binding that holds the old pool's id, or is not yet as the cutover leaves it once the grace window closes. */
async function bindingsNamingOldPool(ctx: StepContext): Promise<Refusal[]> {
  const pools = await poolFacts(ctx.plan);
  const to: SwitchTo = {
    ...pools,
    keepOldPool: false,
    fill: (template) => fillTemplate(template, ctx.plan, pools),
  };
  const refusals: Refusal[] = [];
  for (const binding of ctx.plan.services.flatMap((s) => s.bindings)) {
    const resource = bindingResources[binding.kind] as AnyResource;
    // A redeploy holds no value of its own: the values it reads are checked on their own.
    if (resource.action) continue;
    const part = bindingKind(binding);
    const ref = part.ref(binding);
    const label = resource.label(ref as never);
    try {
      const current = await resource.read(ctx.plan.region, ref as never);
      const names = JSON.stringify(current).includes(ctx.plan.oldPool.userPoolId);
      const final = (resource.same ?? sameState)(
        current as never,
        part.switched(current, binding, to) as never,
      );
      if (names || !final)
        refusals.push({
          reason: 'binding',
          message: `${label} ${names ? `still names the old pool ${ctx.plan.oldPool.userPoolId}` : 'is not as the cutover leaves it'}: run the cutover to its end (its grace window closes with RetireOldIssuer), or point it at the new pool alone.`,
        });
    } catch (error) {
      refusals.push({
        reason: 'binding',
        message: `${label} could not be read (${(error as Error).message}): nobody can tell it no longer names the old pool.`,
      });
    }
  }
  return refusals;
}

function stillToDo(ctx: StepContext, where: string, skipped: number): string[] {
  const { migrationId, oldPool } = ctx.plan;
  return [
    `The old pool ${oldPool.userPoolId} and its users are kept: nothing here deletes a pool. Once no rollback will be wanted, keep what you must (an export of its users), turn off its deletion protection and delete it yourself (aws cognito-idp delete-user-pool --user-pool-id ${oldPool.userPoolId}).`,
    ...(skipped > 0
      ? [
          `${skipped} user(s) were never moved on purpose (disabled, or signing in elsewhere) and are only in the old pool: decide whether to keep a record of them before deleting it.`,
        ]
      : []),
    'Refresh tokens the old pool issued still refresh until they expire, but no binding trusts its tokens any more.',
    'The UserMigration function stays deployed, invoked by nobody, until the stack is removed.',
    `To undo: cutover rollback --migration-id ${migrationId} ${where} restores these changes and, newest first, everything else the migration changed.`,
  ];
}

export async function retireOldPool(ctx: StepContext, where: string): Promise<RetireReport> {
  const { dryRun } = ctx.plan;
  const [grace, counted, bindings] = await Promise.all([
    graceWindow(ctx, where),
    listSweeps(ctx.ledger).then(lastCensus),
    bindingsNamingOldPool(ctx),
  ]);
  const refusals = [...grace, ...usersRemain(counted, where), ...bindings];
  const base = { migrationId: ctx.plan.migrationId, dryRun };
  if (refusals.length > 0) return { ...base, status: 'REFUSED', refusals, changes: [], stillToDo: [] };
  const changes = [
    await applyChange(ctx, cognitoMigrationTrigger, { userPoolId: ctx.plan.newPool.userPoolId }, () => ({
      userMigration: null,
    })),
  ];
  for (const clientId of await appClientIds(ctx.plan.region, ctx.plan.oldPool.userPoolId)) {
    changes.push(
      await applyChange(ctx, cognitoAppClient, { userPoolId: ctx.plan.oldPool.userPoolId, clientId }, () => ({
        ...RETIRED_CLIENT,
        explicitAuthFlows: [...RETIRED_CLIENT.explicitAuthFlows],
      })),
    );
  }
  const skipped = counted?.skipped ?? 0;
  const changed = changes.some((c) => c.changed || c.planned);
  return {
    ...base,
    status: dryRun ? (changed ? 'WOULD_RETIRE' : 'UNCHANGED') : changed ? 'RETIRED' : 'UNCHANGED',
    refusals: [],
    changes: changes.filter((c) => c.changed || c.planned),
    stillToDo: stillToDo(ctx, where, skipped),
  };
}
