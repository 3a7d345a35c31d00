import type { PlanPart } from '../../kinds/kind.ts';
import {
  type Change,
  getChange,
  markApplied,
  markRestored,
  markRestoring,
  recordIntent,
} from '../../ledger/changes.ts';
import {
  type AnyResource,
  difference,
  type Pending,
  type Resource,
  sameState,
} from '../../resources/resource.ts';
import type { StepContext } from './context.ts';
import { stepLogger } from './log.ts';

/** What a step did (or, in a dry-run, would do) to one resource. */
export interface ChangeReport {
  key: string;
  resource: string;
  kind: string;
  /** What differs, before and after (`difference`): the ledger entry `key` holds the whole states. */
  before: unknown;
  after: unknown;
  /** True when this call changed the resource. */
  changed: boolean;
  /** True in a dry-run when the resource would change. */
  planned: boolean;
  pending: Pending[];
}

/** A change's report, and the whole state the resource was found in, for the step alone. */
export interface Applied<State> {
  report: ChangeReport;
  found: State;
  /** The ledger's number of this execution's latest change of the resource, if it made one. */
  seq?: number;
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
  return (await applyChangeFound(ctx, resource, ref, desired)).report;
}

/**
 * Applies a plan item: its kind's `part` addresses and switches it, its `resource` reads and writes
 * it. `follows`: the ledger's number of the latest change the item must come after (an action, such
 * as a redeploy, is made again when a value it reads changed after it).
 */
export function applyItem<Item, To>(
  ctx: StepContext,
  resource: AnyResource,
  part: PlanPart<Item, object, unknown, To>,
  item: Item,
  to: To,
  follows?: number,
): Promise<Applied<unknown>> {
  return applyChangeFound(
    ctx,
    resource as Resource<object, unknown>,
    part.ref(item),
    (current) => part.switched(current, item, to),
    follows,
  );
}

/** `applyChange`, for a step that also needs the whole state the resource was found in. */
export async function applyChangeFound<Ref extends object, State>(
  ctx: StepContext,
  resource: Resource<Ref, State>,
  ref: Ref,
  desired: (current: State) => State,
  follows = 0,
): Promise<Applied<State>> {
  const key = resource.key(ref);
  const [current, entry] = await Promise.all([
    resource.read(ctx.plan.region, ref),
    getChange(ctx.ledger, key),
  ]);
  const after = desired(current);
  const report = { key, resource: resource.label(ref), kind: resource.kind, ...difference(current, after) };
  // A pending entry is a write that began and was never known to end: the function may have died
  // half way (a policy updated, the redeploy that makes it live not yet made). It is finished
  // whatever the read says; every write is idempotent.
  const ours = entry?.status === 'applied' && entry.executionId === ctx.executionId;
  const done =
    entry?.status !== 'pending' &&
    (resource.action ? ours && (entry?.seq ?? 0) > follows : (resource.same ?? sameState)(current, after));
  // A retry of this execution's own step (its function timed out after the write) still waits for
  // what the write left to finish; a later step does not wait again for an earlier one's.
  const left = ours && entry.step === ctx.step ? entry.pending : [];
  if (done)
    return {
      found: current,
      report: { ...report, changed: false, planned: false, pending: left as Pending[] },
      ...(ours ? { seq: entry.seq } : {}),
    };
  if (ctx.plan.dryRun)
    return { found: current, report: { ...report, changed: false, planned: true, pending: [] } };
  const seq = await recordIntent(
    ctx.ledger,
    { key, kind: resource.kind, ref, before: current, after, step: ctx.step, executionId: ctx.executionId },
    entry,
  );
  const pending = await resource.write(ctx.plan.region, ref, after, current);
  await markApplied(ctx.ledger, key, pending);
  stepLogger(ctx).info('changed', { resource: key });
  return { found: current, report: { ...report, changed: true, planned: false, pending }, seq };
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
  const { before: from, after: to } = difference(current, change.before);
  const report = { key: change.key, kind: change.kind, from, to };
  if (change.status === 'restored') return { ...report, changed: false, pending: [] };
  // As it was, and no restore of it began: the change never landed (its function died before it).
  // A restore that began may have died half way, so it is finished whatever the read says.
  if (
    change.status !== 'restoring' &&
    !resource.action &&
    (resource.same ?? sameState)(current, change.before)
  ) {
    await markRestored(ctx.ledger, change.key, ctx.executionId);
    return { ...report, changed: false, pending: [] };
  }
  await markRestoring(ctx.ledger, change.key);
  const pending = await resource.write(ctx.plan.region, change.ref, change.before, current);
  await markRestored(ctx.ledger, change.key, ctx.executionId, pending);
  stepLogger(ctx).info('restored', { resource: change.key });
  return { ...report, changed: true, pending };
}
