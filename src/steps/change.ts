import { type Change, getChange, markApplied, markRestored, recordIntent } from '../ledger/ledger.ts';
import { logger } from '../logger.ts';
import type { StepContext } from './context.ts';
import { type Pending, type Resource, sameState } from './resources/resource.ts';

/** What a step did (or, in a dry-run, would do) to one resource. */
export interface ChangeReport {
  key: string;
  resource: string;
  kind: string;
  before: unknown;
  after: unknown;
  /** True when this call changed the resource. */
  changed: boolean;
  /** True in a dry-run when the resource would change. */
  planned: boolean;
  pending: Pending[];
}

/**
 * Brings one resource to `desired(current)`: snapshot to the ledger, change, mark applied.
 * Idempotent: when the resource is already as desired nothing is written, not even the ledger.
 */
export async function applyChange<Ref extends object, State>(
  ctx: StepContext,
  resource: Resource<Ref, State>,
  ref: Ref,
  desired: (current: State) => State,
): Promise<ChangeReport> {
  const key = resource.key(ref);
  const [current, entry] = await Promise.all([
    resource.read(ctx.plan.region, ref),
    getChange(ctx.ledger, key),
  ]);
  const after = desired(current);
  const report = { key, resource: resource.label(ref), kind: resource.kind, before: current, after };
  const done = resource.action
    ? entry?.status === 'applied' && entry.executionId === ctx.executionId
    : sameState(current, after);
  if (done) {
    // The write landed but the step died before recording it: record it now.
    if (entry?.status === 'pending' && !ctx.plan.dryRun) await markApplied(ctx.ledger, key);
    return { ...report, changed: false, planned: false, pending: [] };
  }
  if (ctx.plan.dryRun) return { ...report, changed: false, planned: true, pending: [] };
  await recordIntent(
    ctx.ledger,
    { key, kind: resource.kind, ref, before: current, after, step: ctx.step, executionId: ctx.executionId },
    entry,
  );
  const pending = await resource.write(ctx.plan.region, ref, after, current);
  await markApplied(ctx.ledger, key);
  logger.info('changed', { resource: key, step: ctx.step, migrationId: ctx.plan.migrationId });
  return { ...report, changed: true, planned: false, pending };
}

/** What restoring one ledger entry did. */
export interface RestoreReport {
  key: string;
  kind: string;
  from: unknown;
  to: unknown;
  changed: boolean;
  pending: Pending[];
}

/**
 * Puts one resource back as the ledger found it, with the adapter for its kind. Restoring a restored
 * resource changes nothing. The caller names the adapter, so a step loads only the kinds it restores.
 */
export async function restoreChange(
  ctx: StepContext,
  change: Change,
  adapter: Resource<never, unknown>,
): Promise<RestoreReport> {
  const resource = adapter as Resource<object, unknown>;
  const current = await resource.read(ctx.plan.region, change.ref);
  const report = { key: change.key, kind: change.kind, from: current, to: change.before };
  if (change.status === 'restored' || (!resource.action && sameState(current, change.before))) {
    if (change.status !== 'restored') await markRestored(ctx.ledger, change.key);
    return { ...report, changed: false, pending: [] };
  }
  const pending = await resource.write(ctx.plan.region, change.ref, change.before, current);
  await markRestored(ctx.ledger, change.key);
  logger.info('restored', { resource: change.key, step: ctx.step, migrationId: ctx.plan.migrationId });
  return { ...report, changed: true, pending };
}
