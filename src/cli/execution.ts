import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import type { TimelineEntry } from '../local/report.ts';

import { type DryRunReport, dryRunReportSchema } from '../plan/dry-run.ts';
import { type Asl, type AslState, forwardPath, machine } from '../statemachines/definition.ts';
import { atPath } from '../statemachines/json-path.ts';
import { waitSeconds } from '../statemachines/timing.ts';
import { type Caught, type Failure, type Retry, type Visit, Walk } from './history.ts';
import {
  consoleUrl,
  isObject,
  type MachineKind,
  migrationOf,
  parseExecutionArn,
  parseJson,
} from './stepfunctions.ts';

/** The rehearsal's words for how a run ended, plus the states only a deployed execution can be in. */
export type Outcome =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'ROLLED_BACK'
  | 'ROLLBACK_INCOMPLETE'
  | 'INVALID_PLAN'
  | 'LOCKED_OUT'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'FAILED';

export interface FreezeTimer {
  status: 'not started' | 'on' | 'ended';
  since: string | null;
  until: string | null;
  seconds: number | null;
  /** ReleaseWrites, or the rollback that restored the frozen resources. */
  endedBy: string | null;
}

/** Where an execution is, what it did and what it waits for: what `cutover status` prints. */
export interface Progress {
  executionArn: string;
  name: string;
  machine: MachineKind;
  stage: string;
  region: string;
  consoleUrl: string;
  /** Step Functions' own status. */
  status: string;
  outcome: Outcome;
  migrationId: string | null;
  dryRun: boolean;
  startedAt: string | null;
  stoppedAt: string | null;
  elapsedSeconds: number;
  current: {
    state: string;
    type: string;
    enteredAt: string;
    seconds: number;
    attempt: number;
    /** For a Wait state: how long it waits in all. */
    waitSeconds: number | null;
  } | null;
  /** The next Task states on the runbook's forward path (or, off it, where the current state leads). */
  upNext: string[];
  progress: { position: number; total: number; lastOnPath: string | null; offPath: string | null };
  /** Null for a dry-run and for the rollback machine, which freeze nothing. */
  freeze: FreezeTimer | null;
  approval: {
    state: string;
    since: string;
    seconds: number;
    timeoutSeconds: number | null;
    deadline: string | null;
    approve: string;
    reject: string;
    /** The plan's approvers and quorum: the go/no-go waits in Systems Manager Automation too. */
    approvers: string[];
    minApprovals: number;
  } | null;
  retries: Retry[];
  caught: Caught[];
  /** What went wrong first: the failure a Catch took, a fatal one, or the stop. */
  failure: Failure | null;
  /** How a run that did not succeed ended (the Fail state's error, or the stop). */
  ended: Failure | null;
  changes: {
    resource: string;
    step: string;
    before: unknown;
    after: unknown;
    status: 'applied' | 'restored' | 'not restored';
  }[];
  rollback: { executionArn: string; status: string; consoleUrl: string; startedBy: string } | null;
  /** What the rollback's output says it restored, and could not: null while no rollback output is known. */
  restored: string[] | null;
  notRestored: string[];
  /** For a rollback execution: the cutover execution it undoes (null: the whole migration). */
  undoes: string | null;
  report: DryRunReport | null;
  stateTransitions: number;
  timeline: TimelineEntry[];
}

/** A waitForTaskToken task that nobody has answered yet. */
export interface PendingTask {
  state: string;
  taskToken: string;
  since: Date;
  timeoutSeconds: number | null;
  /** The plan's approvers: when there are any, the go/no-go is answered in Systems Manager Automation. */
  approvers: string[];
  minApprovals: number;
}

/** The approval (or any waitForTaskToken task) the execution is waiting on, with its token. */
export function pendingTask(events: HistoryEvent[], kind: MachineKind): PendingTask | null {
  const run = new Walk(events, machine(kind).definition);
  if (run.ended || run.output !== undefined) return null;
  const visit = run.visits.at(-1);
  if (!visit || visit.exitedAt || visit.settled || !visit.token || !visit.scheduledAt) return null;
  return {
    state: visit.name,
    taskToken: visit.token,
    since: visit.scheduledAt,
    timeoutSeconds: visit.timeoutSeconds,
    ...approversOf(visit),
  };
}

/** Where a state goes, failures included: for a state off the forward path. */
function successorsOf(state: AslState | undefined): string[] {
  if (!state) return [];
  const next = [
    state.Next,
    state.Default,
    ...((state.Choices ?? []) as { Next?: string }[]).map((c) => c.Next),
    ...((state.Catch ?? []) as { Next?: string }[]).map((c) => c.Next),
  ];
  return [...new Set(next.filter((n): n is string => typeof n === 'string'))];
}

function outcomeOf(kind: MachineKind, status: string, ended: Failure | null): Outcome {
  if (status === 'RUNNING') return 'RUNNING';
  if (status === 'TIMED_OUT' || status === 'ABORTED') return status;
  if (status === 'SUCCEEDED') return kind === 'rollback' ? 'ROLLED_BACK' : 'SUCCEEDED';
  switch (ended?.error) {
    case 'CutoverRolledBack':
      return 'ROLLED_BACK';
    case 'RollbackIncomplete':
      return 'ROLLBACK_INCOMPLETE';
    case 'PlanInvalid':
      return 'INVALID_PLAN';
    case 'CutoverInProgress':
      return 'LOCKED_OUT';
    default:
      return 'FAILED';
  }
}

interface RestoreOutput {
  restored: string[];
  remaining: string[];
}

/** What a rollback execution's output says it restored and could not restore. */
function restoreOutput(output: unknown): RestoreOutput | null {
  const rollback = isObject(output) ? output.rollback : undefined;
  if (!isObject(rollback)) return null;
  const keys = (list: unknown, field: string) =>
    Array.isArray(list) ? list.flatMap((item) => (isObject(item) ? [String(item[field])] : [])) : [];
  return { restored: keys(rollback.restored, 'key'), remaining: keys(rollback.remaining, 'resource') };
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

export interface ProgressInput {
  execution: DescribeExecutionOutput;
  events: HistoryEvent[];
  now: Date;
  /** For a cutover that timed out or was aborted: the rollback execution the EventBridge rule started. */
  stopRollback?: DescribeExecutionOutput | undefined;
}

/** The rollback of this execution: the Rollback state's child (startExecution.sync), or the one EventBridge started on a stop. */
function rollbackOf(run: Walk, region: string, stopRollback: DescribeExecutionOutput | undefined) {
  const visit = [...run.visits].reverse().find((v) => v.child);
  const started = visit?.child
    ? { ...visit.child, startedBy: `the ${visit.name} state` }
    : stopRollback?.executionArn
      ? {
          executionArn: stopRollback.executionArn,
          status: stopRollback.status ?? null,
          startedBy: 'the EventBridge rule RollbackWhenCutoverStops',
        }
      : undefined;
  const rollback = started
    ? {
        executionArn: started.executionArn,
        status: started.status ?? 'RUNNING',
        consoleUrl: consoleUrl(region, started.executionArn),
        startedBy: started.startedBy,
      }
    : null;
  return { visit, rollback };
}

/** Every change the execution's tasks report (their result at ResultPath), with what the rollback made of it. */
function changesOf(run: Walk, asl: Asl, restore: RestoreOutput | null): Progress['changes'] {
  const changes: Progress['changes'] = [];
  const seen = new Set<string>();
  for (const visit of run.visits) {
    if (visit.type !== 'Task' || visit.caught || visit.output === undefined) continue;
    const resultPath = asl.States[visit.name]?.ResultPath;
    const result = typeof resultPath === 'string' ? atPath(visit.output, resultPath) : undefined;
    const reports = isObject(result)
      ? [...(Array.isArray(result.changes) ? result.changes : []), result.change]
      : [];
    for (const change of reports) {
      if (!isObject(change) || change.changed !== true || seen.has(String(change.key))) continue;
      const key = String(change.key);
      seen.add(key);
      changes.push({
        resource: key,
        step: visit.name,
        before: change.before,
        after: change.after,
        status: restore?.restored.includes(key)
          ? 'restored'
          : restore?.remaining.includes(key)
            ? 'not restored'
            : 'applied',
      });
    }
  }
  return changes;
}

/** The write freeze: from RestrictWrites to ReleaseWrites, or to the rollback that restored it. */
function freezeOf(
  run: Walk,
  rollbackVisit: Visit | undefined,
  stopRollback: DescribeExecutionOutput | undefined,
  now: Date,
): FreezeTimer {
  const restrict = run.visits.find((v) => v.name === 'RestrictWrites');
  if (!restrict) return { status: 'not started', since: null, until: null, seconds: null, endedBy: null };
  const release = run.visits.find((v) => v.name === 'ReleaseWrites' && v.exitedAt && !v.caught);
  const rolledBack =
    rollbackVisit?.child?.status === 'SUCCEEDED'
      ? (rollbackVisit.exitedAt ?? null)
      : stopRollback?.status === 'SUCCEEDED' && stopRollback.stopDate
        ? new Date(stopRollback.stopDate)
        : null;
  const until = release?.exitedAt ?? rolledBack;
  return {
    status: until ? 'ended' : 'on',
    since: iso(restrict.enteredAt),
    until: iso(until),
    seconds: seconds(restrict.enteredAt, until ?? now),
    endedBy: release?.exitedAt ? 'ReleaseWrites' : until ? 'the rollback' : null,
  };
}

/** The go/no-go the execution waits on, with the commands that answer it. */
function approvalOf(open: Visit | undefined, executionArn: string, now: Date): Progress['approval'] {
  const pending = open && !open.settled && open.token && open.scheduledAt ? open : undefined;
  if (!pending?.scheduledAt) return null;
  return {
    state: pending.name,
    since: pending.scheduledAt.toISOString(),
    seconds: seconds(pending.scheduledAt, now),
    timeoutSeconds: pending.timeoutSeconds,
    deadline:
      pending.timeoutSeconds !== null
        ? new Date(pending.scheduledAt.getTime() + pending.timeoutSeconds * 1000).toISOString()
        : null,
    approve: `cutover approve ${executionArn}`,
    reject: `cutover reject ${executionArn} --reason 'WHY'`,
    ...approversOf(pending),
  };
}

function approversOf(visit: Visit): { approvers: string[]; minApprovals: number } {
  const approval = (visit.input as { plan?: { approval?: { approvers?: string[]; minApprovals?: number } } })
    ?.plan?.approval;
  return { approvers: approval?.approvers ?? [], minApprovals: approval?.minApprovals ?? 1 };
}

/** For a rollback execution: the cutover execution it undoes (null: the whole migration). */
function undoesOf(kind: MachineKind, input: unknown): string | null {
  if (kind !== 'rollback' || !isObject(input)) return null;
  if (isObject(input.cutoverEvent) && isObject(input.cutoverEvent.detail))
    return String(input.cutoverEvent.detail.executionArn ?? '') || null;
  return typeof input.cutoverExecutionId === 'string' ? input.cutoverExecutionId : null;
}

/** The next Task states on the forward path (or, off it, where the current state leads). */
function upNextOf(asl: Asl, path: string[], where: Visit | undefined): string[] {
  if (!where) return [];
  const index = path.indexOf(where.name);
  if (index < 0) return successorsOf(asl.States[where.name]);
  return path
    .slice(index + 1)
    .filter((name) => asl.States[name]?.Type === 'Task')
    .slice(0, 3);
}

/** The migration the execution is for: its input names it, or (a scheduled dry-run) ValidatePlan's output. */
function migrationOfRun(run: Walk, input: unknown) {
  const given = migrationOf(input);
  const validated = run.visits.find((v) => v.name === 'ValidatePlan' && v.output !== undefined)?.output;
  const plan = isObject(validated) && isObject(validated.plan) ? validated.plan : undefined;
  const migrationId = given.migrationId ?? (typeof plan?.migrationId === 'string' ? plan.migrationId : null);
  return { migrationId, dryRun: given.dryRun };
}

/** How a run that did not succeed ended: the history says, else the execution's own error. */
function endedOf(run: Walk, execution: DescribeExecutionOutput, status: string): Failure | null {
  if (run.ended) return run.ended;
  if (status === 'RUNNING' || status === 'SUCCEEDED') return null;
  return {
    state: run.visits.at(-1)?.name ?? '',
    error: execution.error ?? status,
    cause: execution.cause ?? '',
  };
}

export function progressOf({ execution, events, now, stopRollback }: ProgressInput): Progress {
  const executionArn = execution.executionArn ?? '';
  const ref = parseExecutionArn(executionArn);
  const asl = machine(ref.kind).definition;
  const run = new Walk(events, asl);
  const input = run.input ?? parseJson(execution.input);
  const { migrationId, dryRun } = migrationOfRun(run, input);
  const status = execution.status ?? 'RUNNING';
  const running = status === 'RUNNING';
  const startedAt = execution.startDate ? new Date(execution.startDate) : run.start;
  const stoppedAt = execution.stopDate ? new Date(execution.stopDate) : null;
  const ended = endedOf(run, execution, status);
  const outcome = outcomeOf(ref.kind, status, ended);

  const last = run.visits.at(-1);
  const open = running && last && !last.exitedAt ? last : undefined;
  const path = forwardPath(asl, dryRun);
  const reached = run.visits.reduce((max, v) => Math.max(max, path.indexOf(v.name)), -1);
  const where = open ?? last;
  const { visit: rollbackVisit, rollback } = rollbackOf(run, ref.region, stopRollback);
  const restore = restoreOutput(
    ref.kind === 'rollback'
      ? (run.output ?? parseJson(execution.output))
      : (rollbackVisit?.child?.output ?? parseJson(stopRollback?.output)),
  );
  const report = dryRunReportSchema.safeParse(isObject(run.output) ? run.output.report : undefined);

  return {
    executionArn,
    name: execution.name ?? ref.name,
    machine: ref.kind,
    stage: ref.stage,
    region: ref.region,
    consoleUrl: consoleUrl(ref.region, executionArn),
    status,
    outcome,
    migrationId,
    dryRun,
    startedAt: iso(startedAt),
    stoppedAt: iso(stoppedAt),
    elapsedSeconds: startedAt ? seconds(startedAt, stoppedAt ?? now) : 0,
    current: open
      ? {
          state: open.name,
          type: open.type,
          enteredAt: open.enteredAt.toISOString(),
          seconds: seconds(open.enteredAt, now),
          attempt: Math.max(open.attempts, 1),
          waitSeconds: waitSeconds(asl.States[open.name], open.input),
        }
      : null,
    upNext: running ? upNextOf(asl, path, where) : [],
    progress: {
      position: reached + 1,
      total: path.length,
      lastOnPath: reached >= 0 ? (path[reached] ?? null) : null,
      offPath: where && !path.includes(where.name) ? where.name : null,
    },
    // A dry-run and the rollback machine freeze nothing.
    freeze: ref.kind === 'cutover' && !dryRun ? freezeOf(run, rollbackVisit, stopRollback, now) : null,
    approval: approvalOf(open, executionArn, now),
    retries: run.retries,
    caught: run.caught,
    failure: run.failure ?? (ended && outcome !== 'SUCCEEDED' ? ended : null),
    ended,
    changes: changesOf(run, asl, restore),
    rollback,
    restored: restore?.restored ?? null,
    notRestored: restore?.remaining ?? [],
    undoes: undoesOf(ref.kind, input),
    report: report.success ? report.data : null,
    stateTransitions: run.visits.length,
    timeline: run.timeline,
  };
}
