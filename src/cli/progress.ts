import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import type { TimelineEntry } from '../local/report.ts';
import { type DryRunReport, dryRunReportSchema } from '../plan/dry-run.ts';
import { type Asl, type AslState, forwardPath, machine } from '../statemachines/definition.ts';
import { atPath } from '../statemachines/json-path.ts';
import { waitSeconds } from '../statemachines/timing.ts';
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

export interface Failure {
  state: string;
  error: string;
  cause: string;
}

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
  } | null;
  retries: { state: string; attempt: number; error: string; cause: string; at: number }[];
  caught: { state: string; error: string; cause: string; next: string | null; at: number }[];
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
}

/** Where, in a Task's Parameters, the ASL puts `$$.Task.Token`: the same path holds it in the history. */
function tokenPath(node: unknown, path = '$'): string | null {
  if (!isObject(node)) return null;
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('.$') && value === '$$.Task.Token') return `${path}.${key.slice(0, -2)}`;
    const found = tokenPath(value, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** A Lambda error's cause is its JSON error report: the message is what an operator reads. */
export function readableCause(cause: string | undefined): string {
  const parsed = parseJson(cause);
  if (isObject(parsed) && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  return cause ?? '';
}

type Details = { error?: string | undefined; cause?: string | undefined };

function failureDetails(event: HistoryEvent): Details | undefined {
  return (
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails ??
    event.activityFailedEventDetails ??
    event.activityTimedOutEventDetails ??
    event.activityScheduleFailedEventDetails ??
    event.evaluationFailedEventDetails
  );
}

const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled', 'ActivityScheduled']);
const SUCCEEDED = new Set(['LambdaFunctionSucceeded', 'TaskSucceeded', 'ActivitySucceeded']);
const FAILED = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'ActivityFailed',
  'ActivityTimedOut',
  'ActivityScheduleFailed',
  'EvaluationFailed',
]);

interface Visit {
  name: string;
  type: string;
  enteredAt: Date;
  exitedAt: Date | null;
  input: unknown;
  output: unknown;
  attempts: number;
  /** A failure not yet retried or caught. */
  pending: Failure | null;
  caught: boolean;
  token: string | null;
  timeoutSeconds: number | null;
  scheduledAt: Date | null;
  settled: boolean;
  child: { executionArn: string; status: string | null; output: unknown } | null;
}

interface Walk {
  input: unknown;
  output: unknown;
  start: Date | null;
  visits: Visit[];
  retries: Progress['retries'];
  caught: Progress['caught'];
  failure: Failure | null;
  ended: Failure | null;
  timeline: TimelineEntry[];
}

const time = (event: HistoryEvent) => new Date(event.timestamp ?? 0);

/** Reads the history the way the rehearsal reads its local engine's events, and in the same words. */
function walk(events: HistoryEvent[], asl: Asl): Walk {
  const result: Walk = {
    input: undefined,
    output: undefined,
    start: null,
    visits: [],
    retries: [],
    caught: [],
    failure: null,
    ended: null,
    timeline: [],
  };
  const since = (date: Date) =>
    result.start ? Math.max(0, Math.round((date.getTime() - result.start.getTime()) / 1000)) : 0;
  let awaitingNext: { entry: TimelineEntry; caught: Progress['caught'][number] } | undefined;
  const open = () => {
    const last = result.visits.at(-1);
    return last && last.exitedAt === null ? last : undefined;
  };
  for (const event of events) {
    const type = event.type ?? '';
    const when = time(event);
    const visit = open();
    if (type === 'ExecutionStarted') {
      result.start = when;
      result.input = parseJson(event.executionStartedEventDetails?.input);
    } else if (type.endsWith('StateEntered')) {
      const name = event.stateEnteredEventDetails?.name ?? '';
      if (awaitingNext) {
        awaitingNext.entry.outcome = `caught, next: ${name}`;
        awaitingNext.caught.next = name;
        awaitingNext = undefined;
      }
      result.visits.push({
        name,
        type: type.slice(0, -'StateEntered'.length),
        enteredAt: when,
        exitedAt: null,
        input: parseJson(event.stateEnteredEventDetails?.input),
        output: undefined,
        attempts: 0,
        pending: null,
        caught: false,
        token: null,
        timeoutSeconds: null,
        scheduledAt: null,
        settled: false,
        child: null,
      });
    } else if (visit && SCHEDULED.has(type)) {
      visit.attempts++;
      if (visit.pending) {
        result.retries.push({ ...visit.pending, attempt: visit.attempts, at: since(when) });
        result.timeline.push({
          at: since(when),
          state: visit.name,
          type: visit.type,
          outcome: `retrying (attempt ${visit.attempts})`,
        });
        visit.pending = null;
      }
      visit.settled = false;
      visit.scheduledAt = when;
      const details = event.taskScheduledEventDetails;
      if (details) {
        const path = tokenPath(asl.States[visit.name]?.Parameters);
        const token = path ? atPath(parseJson(details.parameters), path) : undefined;
        visit.token = typeof token === 'string' ? token : null;
        visit.timeoutSeconds = details.timeoutInSeconds ?? null;
      }
    } else if (visit && type === 'TaskSubmitted') {
      const submitted = parseJson(event.taskSubmittedEventDetails?.output);
      if (isObject(submitted) && typeof submitted.ExecutionArn === 'string') {
        visit.child = { executionArn: submitted.ExecutionArn, status: 'RUNNING', output: undefined };
      }
    } else if (visit && SUCCEEDED.has(type)) {
      visit.settled = true;
      const done = parseJson(event.taskSucceededEventDetails?.output);
      if (isObject(done) && typeof done.ExecutionArn === 'string') {
        visit.child = {
          executionArn: done.ExecutionArn,
          status: typeof done.Status === 'string' ? done.Status : null,
          output: typeof done.Output === 'string' ? parseJson(done.Output) : done.Output,
        };
      }
    } else if (visit && FAILED.has(type)) {
      visit.settled = true;
      const details = failureDetails(event);
      const failure = {
        state: visit.name,
        error: details?.error ?? type,
        cause: readableCause(details?.cause),
      };
      // A child execution that failed: its description is the cause.
      const child = parseJson(details?.cause);
      if (isObject(child) && typeof child.ExecutionArn === 'string') {
        visit.child = {
          executionArn: child.ExecutionArn,
          status: typeof child.Status === 'string' ? child.Status : null,
          output: undefined,
        };
        failure.cause = `${child.ExecutionArn} ended ${String(child.Status ?? 'FAILED')}${child.Error ? `: ${String(child.Error)}` : ''}`;
      }
      visit.pending = failure;
      result.timeline.push({
        at: since(when),
        state: visit.name,
        type: visit.type,
        outcome: `failed: ${failure.error}: ${failure.cause}`,
      });
    } else if (visit && type.endsWith('StateExited')) {
      visit.exitedAt = when;
      visit.output = parseJson(event.stateExitedEventDetails?.output);
      if (visit.pending) {
        const caught = { ...visit.pending, next: null, at: since(when) };
        result.caught.push(caught);
        result.failure ??= visit.pending;
        const entry = { at: since(when), state: visit.name, type: visit.type, outcome: 'caught' };
        result.timeline.push(entry);
        awaitingNext = { entry, caught };
        visit.caught = true;
        visit.pending = null;
      } else if (visit.type === 'Task') {
        result.timeline.push({ at: since(when), state: visit.name, type: visit.type, outcome: 'ok' });
      } else if (visit.type === 'Wait') {
        const waited = Math.round((when.getTime() - visit.enteredAt.getTime()) / 1000);
        result.timeline.push({
          at: since(visit.enteredAt),
          state: visit.name,
          type: visit.type,
          outcome: `waited ${waited} s`,
        });
      } else if (visit.type === 'Succeed') {
        result.timeline.push({ at: since(when), state: visit.name, type: visit.type, outcome: 'succeed' });
      }
    } else if (type === 'ExecutionSucceeded') {
      result.output = parseJson(event.executionSucceededEventDetails?.output);
    } else if (type === 'ExecutionFailed') {
      const details = event.executionFailedEventDetails;
      const last = result.visits.at(-1);
      const ended = {
        state: last?.name ?? '',
        error: details?.error ?? 'ExecutionFailed',
        cause: readableCause(details?.cause),
      };
      result.ended = ended;
      if (last?.type === 'Fail') {
        result.timeline.push({
          at: since(when),
          state: last.name,
          type: 'Fail',
          outcome: `failed: ${ended.error}: ${ended.cause}`,
        });
      }
      result.failure ??= last?.pending ?? ended;
    } else if (type === 'ExecutionTimedOut' || type === 'ExecutionAborted') {
      const stop = type === 'ExecutionTimedOut' ? 'TIMED_OUT' : 'ABORTED';
      const details = event.executionTimedOutEventDetails ?? event.executionAbortedEventDetails;
      const state = visit?.name ?? result.visits.at(-1)?.name ?? '';
      const ended = {
        state,
        error: details?.error || (stop === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionAborted'),
        cause:
          readableCause(details?.cause) ||
          `The execution ${stop === 'TIMED_OUT' ? 'timed out' : 'was aborted'} in ${state}.`,
      };
      result.ended = ended;
      result.failure ??= ended;
      const wait = visit ? waitSeconds(asl.States[visit.name], visit.input) : null;
      result.timeline.push({
        at: since(when),
        state,
        type: visit?.type ?? '',
        outcome: `execution ${stop} in this state${wait !== null ? ` (it was to wait ${wait} s)` : ''}`,
      });
    }
  }
  return result;
}

/** The approval (or any waitForTaskToken task) the execution is waiting on, with its token. */
export function pendingTask(events: HistoryEvent[], kind: MachineKind): PendingTask | null {
  const run = walk(events, machine(kind).definition);
  if (run.ended || run.output !== undefined) return null;
  const visit = run.visits.at(-1);
  if (!visit || visit.exitedAt || visit.settled || !visit.token || !visit.scheduledAt) return null;
  return {
    state: visit.name,
    taskToken: visit.token,
    since: visit.scheduledAt,
    timeoutSeconds: visit.timeoutSeconds,
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

export function progressOf({ execution, events, now, stopRollback }: ProgressInput): Progress {
  const executionArn = execution.executionArn ?? '';
  const ref = parseExecutionArn(executionArn);
  const asl = machine(ref.kind).definition;
  const run = walk(events, asl);
  const input = run.input ?? parseJson(execution.input);
  const given = migrationOf(input);
  // The weekly schedule names the stage's plan rather than carrying it: ValidatePlan's output has it.
  const validated = run.visits.find((v) => v.name === 'ValidatePlan' && v.output !== undefined)?.output;
  const plan = isObject(validated) && isObject(validated.plan) ? validated.plan : undefined;
  const migrationId = given.migrationId ?? (typeof plan?.migrationId === 'string' ? plan.migrationId : null);
  const { dryRun } = given;
  const status = execution.status ?? 'RUNNING';
  const running = status === 'RUNNING';
  const startedAt = execution.startDate ? new Date(execution.startDate) : run.start;
  const stoppedAt = execution.stopDate ? new Date(execution.stopDate) : null;
  const end = stoppedAt ?? now;
  const ended =
    run.ended ??
    (running || status === 'SUCCEEDED'
      ? null
      : {
          state: run.visits.at(-1)?.name ?? '',
          error: execution.error ?? status,
          cause: execution.cause ?? '',
        });
  const outcome = outcomeOf(ref.kind, status, ended);

  const last = run.visits.at(-1);
  const open = running && last && !last.exitedAt ? last : undefined;
  const path = forwardPath(asl, dryRun);
  const reached = run.visits.reduce((max, v) => Math.max(max, path.indexOf(v.name)), -1);
  const where = open ?? last;
  const offPath = where && !path.includes(where.name) ? where.name : null;

  const isTask = (name: string) => asl.States[name]?.Type === 'Task';
  let upNext: string[] = [];
  if (running && where) {
    const index = path.indexOf(where.name);
    upNext =
      index >= 0
        ? path
            .slice(index + 1)
            .filter(isTask)
            .slice(0, 3)
        : successorsOf(asl.States[where.name]);
  }

  // The rollback: the Rollback state's child (startExecution.sync), or the one EventBridge started on a stop.
  const rollbackVisit = [...run.visits].reverse().find((v) => v.child);
  const rollback = rollbackVisit?.child
    ? {
        executionArn: rollbackVisit.child.executionArn,
        status: rollbackVisit.child.status ?? 'RUNNING',
        consoleUrl: consoleUrl(ref.region, rollbackVisit.child.executionArn),
        startedBy: `the ${rollbackVisit.name} state`,
      }
    : stopRollback?.executionArn
      ? {
          executionArn: stopRollback.executionArn,
          status: stopRollback.status ?? 'RUNNING',
          consoleUrl: consoleUrl(ref.region, stopRollback.executionArn),
          startedBy: 'the EventBridge rule RollbackWhenCutoverStops',
        }
      : null;
  const restore = restoreOutput(
    ref.kind === 'rollback'
      ? (run.output ?? parseJson(execution.output))
      : (rollbackVisit?.child?.output ?? parseJson(stopRollback?.output)),
  );

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
      seen.add(String(change.key));
      const key = String(change.key);
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

  let freeze: FreezeTimer | null = null;
  if (ref.kind === 'cutover' && !dryRun) {
    const restrict = run.visits.find((v) => v.name === 'RestrictWrites');
    const release = run.visits.find((v) => v.name === 'ReleaseWrites' && v.exitedAt && !v.caught);
    const rolledBack =
      rollbackVisit?.child?.status === 'SUCCEEDED'
        ? (rollbackVisit.exitedAt ?? null)
        : stopRollback?.status === 'SUCCEEDED' && stopRollback.stopDate
          ? new Date(stopRollback.stopDate)
          : null;
    if (!restrict) {
      freeze = { status: 'not started', since: null, until: null, seconds: null, endedBy: null };
    } else {
      const until = release?.exitedAt ?? rolledBack;
      freeze = {
        status: until ? 'ended' : 'on',
        since: iso(restrict.enteredAt),
        until: iso(until),
        seconds: seconds(restrict.enteredAt, until ?? now),
        endedBy: release?.exitedAt ? 'ReleaseWrites' : until ? 'the rollback' : null,
      };
    }
  }

  const pending = open && !open.settled && open.token && open.scheduledAt ? open : undefined;
  const approval = pending?.scheduledAt
    ? {
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
      }
    : null;

  const undoes =
    ref.kind === 'rollback' && isObject(input)
      ? isObject(input.cutoverEvent) && isObject(input.cutoverEvent.detail)
        ? String(input.cutoverEvent.detail.executionArn ?? '') || null
        : typeof input.cutoverExecutionId === 'string'
          ? input.cutoverExecutionId
          : null
      : null;
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
    elapsedSeconds: startedAt ? seconds(startedAt, end) : 0,
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
    upNext,
    progress: {
      position: reached + 1,
      total: path.length,
      lastOnPath: reached >= 0 ? (path[reached] ?? null) : null,
      offPath,
    },
    freeze,
    approval,
    retries: run.retries,
    caught: run.caught,
    failure: run.failure ?? (ended && outcome !== 'SUCCEEDED' ? ended : null),
    ended,
    changes,
    rollback,
    restored: restore?.restored ?? null,
    notRestored: restore?.remaining ?? [],
    undoes,
    report: report.success ? report.data : null,
    stateTransitions: run.visits.length,
    timeline: run.timeline,
  };
}
