/**
 * A resource the cutover changes and rollback restores. Each kind knows how to read its state
 * and how to make it so; `src/steps/core/change.ts` does the rest (ledger, dry-run, idempotency).
 *
 * `State` is plain JSON: it is stored in the ledger as the snapshot, rides in the execution's state
 * and reports, and is compared with `same` (by default `sameState`). It never holds the value of a
 * secret or a SecureString: a digest of it and the version to restore stand in for it.
 */
export interface Resource<Ref extends object, State> {
  readonly kind: string;
  /** Stable identity across steps and executions, e.g. `ssm-parameter:/reval/prod/pool-id`. */
  key(ref: Ref): string;
  /** What an operator calls it, e.g. `SSM parameter /reval/prod/pool-id`. */
  label(ref: Ref): string;
  /** The current state. Throws ResourceNotFound when the resource itself is missing. */
  read(region: string, ref: Ref): Promise<State>;
  /** Makes the resource `to` (it is `from` now). Returns what the state machine must wait on. */
  write(region: string, ref: Ref, to: State, from: State): Promise<Pending[]>;
  /**
   * An action resource (an ECS redeploy) has no state to switch: it is acted on once per
   * migration, and acted on again when rolled back, after the values it reads are restored.
   */
  readonly action?: true;
  /** Whether two states are the same to whoever reads the resource; by default `sameState`. */
  same?(a: State, b: State): boolean;
}

/**
 * A resource without its `write`: each kind's lives in `reads/<kind>.ts`, apart from the adapter
 * that adds the write, so that Preflight, which only reads, loads and is granted no write.
 */
export type ResourceReader<Ref extends object, State> = Omit<Resource<Ref, State>, 'write'>;

/** A resource whose ref and state are known only at run time, from a ledger entry or a plan item. */
export type AnyResource = Resource<never, unknown>;

/** Work that finishes after the call returns; the state machine polls it in a Wait loop. */
export type Pending =
  | { kind: 'dns-change'; changeId: string }
  | { kind: 'ecs-deployment'; region: string; cluster: string; service: string }
  /** A function's configuration update; with `alias`, then published and the alias moved to it. */
  | { kind: 'lambda-update'; region: string; functionName: string; alias?: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What differs between two JSON states: of two objects only the keys whose values differ (and of
 * those, deeply, only what differs), anything else whole. Reports carry this, not whole states, so
 * an execution's state grows with what changed, not with what the resources hold. Equal states
 * (an action such as a redeploy, which changes no field) are shown whole: they say what was acted on.
 */
export function difference(before: unknown, after: unknown): { before: unknown; after: unknown } {
  if (!isRecord(before) || !isRecord(after) || sameState(before, after)) return { before, after };
  const was: Record<string, unknown> = {};
  const is: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (sameState(before[key], after[key])) continue;
    const part = difference(before[key], after[key]);
    if (key in before) was[key] = part.before;
    if (key in after) is[key] = part.after;
  }
  return { before: was, after: is };
}

/** Equality of two JSON states, independent of key order. */
export function sameState(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
}
