import type { Binding, Freeze } from '../plan/schema.ts';

/**
 * What the cutover knows of each kind of resource it changes, as data and pure functions: how the
 * plan addresses it, what its switched state is, how it is described and granted, and which call
 * restores it. Nothing here loads an SDK client, so any step may read it, whatever its role.
 * `src/resources/` holds the adapters that read and write each kind; `src/sandbox/kinds.ts` how the
 * sandbox seeds and snapshots it. CONTRIBUTING.md says how to add one.
 */

export type BindingKind = Binding['kind'];
export type FreezeKind = Freeze['kind'];
/**
 * Every kind of resource a migration changes: the plan's bindings and freezes, its DNS record, and what
 * retiring the old pool changes (the new pool's migration trigger, the old pool's app clients).
 */
export type ResourceKind =
  | BindingKind
  | FreezeKind
  | 'route53-record'
  | 'cognito-migration-trigger'
  | 'cognito-app-client';
export type BindingOf<K extends BindingKind> = Extract<Binding, { kind: K }>;
export type FreezeOf<K extends FreezeKind> = Extract<Freeze, { kind: K }>;

/** What a switch writes beyond the plan item's own fields. */
export interface SwitchTo {
  /** A binding value with the plan's placeholders filled in. */
  fill(template: string): string;
  oldPoolArn: string;
  newPoolArn: string;
  /** The grace window is open: what trusts a pool trusts both, so no signed-in user is signed out. */
  keepOldPool: boolean;
}

/** The value a binding writes now: its grace value while the window is open, else its value. */
export function valueNow(binding: { value: string; graceValue?: string | undefined }, to: SwitchTo): string {
  return to.fill(to.keepOldPool && binding.graceValue !== undefined ? binding.graceValue : binding.value);
}

/** The names a kind's IAM grants are built on, by what they name (src/iam/grants.ts). */
export type IamTarget =
  | 'parameter'
  | 'secret'
  | 'function'
  /** A function the cutover publishes a version of, for an alias its binding names. */
  | 'published-function'
  /** `function:alias`, the qualified name an alias is moved and read by. */
  | 'alias'
  | 'rest-api'
  /** `service/<cluster>/<service>` and `service/<service>`: the long and the short ARN formats. */
  | 'ecs-service';
export type IamNames = Partial<Record<IamTarget, readonly string[]>>;

/** How a kind appears in the plan, as a binding or (switched with no more than its own fields) a freeze. */
export interface PlanPart<Item, Ref extends object, State, To = SwitchTo> {
  /** The adapter's address of the resource the item names. */
  ref(item: Item): Ref;
  /** What Preflight checks, e.g. `SSM parameter /reval/prod/pool-id`. */
  check(item: Item): string;
  /** What the go/no-go says the cutover will do with it. */
  approval(item: Item): string;
  /** The state the cutover makes of the `current` one. */
  switched(current: State, item: Item, to: To): State;
  /** What Preflight reports the resource holds before the cutover; without it, that it is readable. */
  summary?(state: State, item: Item): string;
  iam(item: Item): IamNames;
}

/** A call that restores a kind, as the sandbox names it (`--fail-restore` refuses it). */
export interface Call {
  service: string;
  command: string;
}

/** A binding part for binding kinds, a freeze part for freeze kinds: the compiler asks for each. */
export type Kind<K extends ResourceKind, Ref extends object, State> = {
  restoredBy: Call;
  /** The SDK commands (`<Service>:<Command>`) its adapter's reads send, and what its writes add. */
  commands: { read: readonly string[]; write: readonly string[] };
} & (K extends BindingKind ? { binding: PlanPart<BindingOf<K>, Ref, State> } : { binding?: undefined }) &
  (K extends FreezeKind ? { freeze: PlanPart<FreezeOf<K>, Ref, State, void> } : { freeze?: undefined });
