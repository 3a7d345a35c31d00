import type { Sandbox, Snapshot, WorldOptions } from '../sandbox/index.ts';
import type { Crash, Fault } from './faults.ts';
import type { TimelineEntry } from './report.ts';

/** An operator's answer to the go/no-go. */
export type ApprovalAnswer = 'approve' | 'reject' | 'timeout';

export interface RehearsalOptions {
  /** The plan as the operator wrote it; it is validated by the state machine's first state. */
  plan: unknown;
  faults?: Fault[];
  /**
   * Every health check fails, so the deadline triggers rollback; `grace`: they pass the health gate
   * and start failing once the grace window opens, so the window's watch rolls back.
   */
  unhealthy?: boolean | 'grace';
  world?: WorldOptions;
  /** Stops the cutover as it enters this state, as an operator's abort or the execution timeout would. */
  stopAt?: { state: string; kind: 'abort' | 'timeout' };
  /** When the cutover is stopped, start the rollback as the EventBridge rule would (default true). */
  autoRollback?: boolean;
  /** Called as each state ends, in order. */
  onState?: (entry: TimelineEntry) => void;
  /** Called with each state's input as it enters and output as it leaves, as the history records them. */
  onPayload?: (state: string, payload: string) => void;
  /** A world carried over from an earlier command (`--state-dir`); by default a new one from the plan. */
  session?: Session;
  /** Run only the rollback state machine for this migration, as an operator would start it. */
  rollbackOf?: string;
  /**
   * How operators answer the go/no-go (default: approve), or a function awaited while the gate
   * waits, as if they did something else first (such as starting a second cutover).
   */
  approval?: ApprovalAnswer | (() => Promise<ApprovalAnswer>);
  crash?: Crash;
  /** Once rollback starts, AWS refuses every restore of this resource kind (e.g. `secret`). */
  failRestore?: string;
  /**
   * Once Preflight has passed, the migration function's role loses AdminInitiateAuth on the old
   * pool, as a careless IAM change would: the wiring checks saw it whole, so only the canary can notice.
   */
  failTrigger?: boolean;
  /** Run the sweep state machine (finishing the migration) instead of the cutover. */
  sweep?: { dryRun?: boolean };
}

/** A sandboxed world and the state it started in, which `worldRestored` is judged against. */
export interface Session {
  sandbox: Sandbox;
  startingWorld: Snapshot;
}
