import type { PlanIssue } from '../errors.ts';
import { listChanges } from '../ledger/changes.ts';
import { listGained } from '../ledger/gained.ts';
import type { DryRunReport } from '../plan/dry-run.ts';
import type { Plan } from '../plan/schema.ts';
import { difference } from '../resources/resource.ts';
import {
  type Sandbox,
  type SessionsSeen,
  type Snapshot,
  sessionsSeen,
  type WorldOptions,
} from '../sandbox/index.ts';
import { taskStates } from '../statemachines/definition.ts';
import { type GainedReport, gainedReport } from '../steps/gained-report.ts';

export interface TimelineEntry {
  /** Simulated seconds since the execution started, when the state was entered. */
  at: number;
  state: string;
  type: string;
  outcome: string;
}

export type RehearsalStatus =
  | 'SUCCEEDED'
  | 'ROLLED_BACK'
  | 'ROLLBACK_INCOMPLETE'
  | 'INVALID_PLAN'
  | 'LOCKED_OUT'
  | 'FAILED';

/** How a run ended, by the Fail state (or stop) it ended in. */
export const ENDINGS: Record<string, RehearsalStatus> = {
  InvalidPlan: 'INVALID_PLAN',
  LockedOut: 'LOCKED_OUT',
  RolledBack: 'ROLLED_BACK',
  RollbackIncomplete: 'ROLLBACK_INCOMPLETE',
};

export interface StepReport {
  name: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  attempts: number;
}

export interface Failure {
  state: string;
  error: string;
  cause: string;
}

export interface RehearsalReport {
  status: RehearsalStatus;
  migrationId: string | null;
  steps: StepReport[];
  changes: { resource: string; step: string; before: unknown; after: unknown; status: string }[];
  restored: { resource: string; restoredTo: unknown }[];
  worldRestored: boolean;
  /** What differs from the starting world, resource by resource. */
  drift: { resource: string; expected: unknown; actual: unknown }[];
  stateTransitions: number;
  simulatedSeconds: number;
  freezeWindowSeconds: number | null;
  /** The shortest freeze this plan allows: DNS propagation + resolver TTL + (requiredPasses − 1) × interval. */
  freezeFloorSeconds: number | null;
  failure: Failure | null;
  /** Failures that were retried (a throttled call, a crashed function), and the attempt that followed. */
  retried: (Failure & { attempt: number })[];
  /** A dry-run's report: what would change, problems, drift, the expected freeze. */
  plan?: DryRunReport;
  errors?: PlanIssue[];
  mutatingCalls: number;
  /** What users signed in before the cutover met while it ran: were any signed out by it? */
  users: SessionsSeen;
  /** Who the new pool gained while it served sign-in, as the rollback counted them; null when no rollback counted. */
  gained: GainedReport | null;
  notifications: { topicArn: string; subject: string | undefined }[];
  timeline: TimelineEntry[];
  wallMilliseconds: number;
}

/** What a rehearsal saw of its executions, state by state (child states under their prefix): its report's source. */
export class Trace {
  readonly attempts = new Map<string, number>();
  readonly outcome = new Map<string, 'SUCCEEDED' | 'FAILED'>();
  readonly timeline: TimelineEntry[] = [];
  /** Simulated seconds when each state was first entered, and last exited. */
  readonly entered = new Map<string, number>();
  readonly exited = new Map<string, number>();
  readonly caught = new Set<string>();
  /** What a state's line says in place of "ok": a health poll's pass or fail, and why. */
  readonly notes = new Map<string, string>();
  transitions = 0;
  failure: Failure | null = null;
  /** Failures Step Functions retried, with the attempt that followed. */
  readonly retried: (Failure & { attempt: number })[] = [];
  /** How long WaitCutoverTtl waited: the resolver TTL, part of the freeze floor. */
  waitAfterSwitch: number | undefined;
}

function freezeFloor(plan: Plan, world: WorldOptions | undefined, waitAfterSwitch: number | undefined) {
  if (waitAfterSwitch === undefined) return null;
  return (
    (world?.dnsPropagationSeconds ?? 20) +
    waitAfterSwitch +
    (plan.health.requiredPasses - 1) * plan.health.intervalSeconds
  );
}

export interface Ending {
  status: RehearsalStatus;
  /** The dry-run's report, when a dry-run succeeded. */
  dryRun: DryRunReport | undefined;
  simulatedSeconds: number;
}

export interface ReportSources {
  plan: Plan | undefined;
  errors: PlanIssue[] | undefined;
  ledgerTable: string;
  sandbox: Sandbox;
  startingWorld: Snapshot;
  world: WorldOptions | undefined;
  /** How many calls and messages earlier commands of a carried-over session made: not this one's. */
  earlier: { calls: number; messages: number };
  started: number;
}

/** The rehearsal's report: its trace, the ledger it left, and the world against the one it started in. */
export async function reportOf(trace: Trace, ending: Ending, from: ReportSources): Promise<RehearsalReport> {
  const { plan, sandbox } = from;
  const at = plan && { table: from.ledgerTable, region: plan.region, migrationId: plan.migrationId };
  const ledger = at ? await listChanges(at) : [];
  const counted = at ? await listGained(at) : [];
  const drift = sandbox.compare(from.startingWorld);
  const path = taskStates('cutover', plan?.dryRun ?? false);
  const failurePath = [...trace.attempts.keys()].filter((s) => !path.includes(s));
  const freezeStart = trace.entered.get('RestrictWrites');
  const freezeEnd = trace.exited.get('ReleaseWrites') ?? trace.exited.get('rollback/Restore');
  return {
    status: ending.status,
    migrationId: plan?.migrationId ?? null,
    steps: [...path, ...failurePath].map((name) => ({
      name,
      status: trace.outcome.get(name) ?? 'SKIPPED',
      attempts: trace.attempts.get(name) ?? 0,
    })),
    changes: ledger.map((c) => ({
      resource: c.key,
      step: c.step,
      ...difference(c.before, c.after),
      status: c.status,
    })),
    restored: ledger
      .filter((c) => c.status === 'restored')
      .map((c) => ({ resource: c.key, restoredTo: c.before })),
    worldRestored: drift.length === 0,
    drift,
    stateTransitions: trace.transitions,
    simulatedSeconds: ending.simulatedSeconds,
    freezeWindowSeconds:
      freezeStart !== undefined && freezeEnd !== undefined ? freezeEnd - freezeStart : null,
    freezeFloorSeconds: plan ? freezeFloor(plan, from.world, trace.waitAfterSwitch) : null,
    failure: trace.failure,
    retried: trace.retried,
    ...(from.errors ? { errors: from.errors } : {}),
    ...(ending.dryRun ? { plan: ending.dryRun } : {}),
    // Calls that change a resource: the ledger and notifications are not resources.
    mutatingCalls: sandbox
      .mutatingCalls({ since: from.earlier.calls })
      .filter((c) => !(c.service === 'SNS' && c.command === 'Publish')).length,
    // Until the last token expires: users go on calling after the run, in the world it left.
    users: sessionsSeen(sandbox.world, sandbox.clock.now() - ending.simulatedSeconds * 1000),
    gained:
      counted.length > 0 || [...trace.exited.keys()].some((s) => s.endsWith('CountGained'))
        ? gainedReport(counted)
        : null,
    notifications: sandbox.messages
      .slice(from.earlier.messages)
      .map((m) => ({ topicArn: m.topicArn, subject: m.subject })),
    timeline: trace.timeline,
    wallMilliseconds: Math.round(performance.now() - from.started),
  };
}
