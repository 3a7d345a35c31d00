import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { TimelineEntry } from '../local/report.ts';
import type { Asl } from '../statemachines/definition.ts';
import { atPath } from '../statemachines/json-path.ts';
import { waitSeconds } from '../statemachines/timing.ts';
import { isObject, parseJson } from './stepfunctions.ts';

// A deployed execution's history, read the way the rehearsal reads its local engine's events and
// told in the same words: what `cutover status` is made of.

export interface Failure {
  state: string;
  error: string;
  cause: string;
}
export type Retry = Failure & { attempt: number; at: number };
export type Caught = Failure & { next: string | null; at: number };

/** One entry into a state, and what happened there. */
export interface Visit {
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

/** A Lambda error's cause is its JSON error report: the message is what an operator reads. */
export function readableCause(cause: string | undefined): string {
  const parsed = parseJson(cause);
  if (isObject(parsed) && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  return cause ?? '';
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

const time = (event: HistoryEvent) => new Date(event.timestamp ?? 0);

/** A child execution's description (startExecution.sync), as a task's output or failure cause holds it. */
function childOf(value: unknown, output: unknown): Visit['child'] {
  if (!isObject(value) || typeof value.ExecutionArn !== 'string') return null;
  return {
    executionArn: value.ExecutionArn,
    status: typeof value.Status === 'string' ? value.Status : null,
    output,
  };
}

/** An execution's history, walked event by event. */
export class Walk {
  input: unknown = undefined;
  output: unknown = undefined;
  start: Date | null = null;
  readonly visits: Visit[] = [];
  readonly retries: Retry[] = [];
  readonly caught: Caught[] = [];
  /** What went wrong first: the failure a Catch took, a fatal one, or the stop. */
  failure: Failure | null = null;
  /** How a run that did not succeed ended. */
  ended: Failure | null = null;
  readonly timeline: TimelineEntry[] = [];
  /** A caught failure's entry, until the state its Catch leads to is entered. */
  private awaitingNext: { entry: TimelineEntry; caught: Caught } | undefined;

  constructor(
    events: HistoryEvent[],
    private readonly asl: Asl,
  ) {
    for (const event of events) this.read(event);
  }

  /** The state being run: the last one entered and not yet left. */
  open(): Visit | undefined {
    const last = this.visits.at(-1);
    return last && last.exitedAt === null ? last : undefined;
  }

  private since(date: Date): number {
    return this.start ? Math.max(0, Math.round((date.getTime() - this.start.getTime()) / 1000)) : 0;
  }

  private log(at: Date, visit: { name: string; type: string }, outcome: string): TimelineEntry {
    const entry = { at: this.since(at), state: visit.name, type: visit.type, outcome };
    this.timeline.push(entry);
    return entry;
  }

  private read(event: HistoryEvent): void {
    const type = event.type ?? '';
    const when = time(event);
    const visit = this.open();
    if (type === 'ExecutionStarted') {
      this.start = when;
      this.input = parseJson(event.executionStartedEventDetails?.input);
    } else if (type.endsWith('StateEntered')) this.entered(event, type, when);
    else if (visit && SCHEDULED.has(type)) this.scheduled(visit, event, when);
    else if (visit && type === 'TaskSubmitted') {
      const submitted = childOf(parseJson(event.taskSubmittedEventDetails?.output), undefined);
      if (submitted) visit.child = { ...submitted, status: 'RUNNING' };
    } else if (visit && SUCCEEDED.has(type)) {
      visit.settled = true;
      const done = parseJson(event.taskSucceededEventDetails?.output);
      const output = isObject(done) && typeof done.Output === 'string' ? parseJson(done.Output) : undefined;
      const child = childOf(done, isObject(done) && typeof done.Output !== 'string' ? done.Output : output);
      if (child) visit.child = child;
    } else if (visit && FAILED.has(type)) this.taskFailed(visit, event, type, when);
    else if (visit && type.endsWith('StateExited')) this.exited(visit, event, when);
    else if (type === 'ExecutionSucceeded') {
      this.output = parseJson(event.executionSucceededEventDetails?.output);
    } else if (type === 'ExecutionFailed') this.executionFailed(event, when);
    else if (type === 'ExecutionTimedOut' || type === 'ExecutionAborted')
      this.stopped(visit, event, type, when);
  }

  private entered(event: HistoryEvent, type: string, when: Date): void {
    const name = event.stateEnteredEventDetails?.name ?? '';
    if (this.awaitingNext) {
      this.awaitingNext.entry.outcome = `caught, next: ${name}`;
      this.awaitingNext.caught.next = name;
      this.awaitingNext = undefined;
    }
    this.visits.push({
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
  }

  /** A task (re)scheduled: after a failure, that is its retry. */
  private scheduled(visit: Visit, event: HistoryEvent, when: Date): void {
    visit.attempts++;
    if (visit.pending) {
      this.retries.push({ ...visit.pending, attempt: visit.attempts, at: this.since(when) });
      this.log(when, visit, `retrying (attempt ${visit.attempts})`);
      visit.pending = null;
    }
    visit.settled = false;
    visit.scheduledAt = when;
    const details = event.taskScheduledEventDetails;
    if (details) {
      const path = tokenPath(this.asl.States[visit.name]?.Parameters);
      const token = path ? atPath(parseJson(details.parameters), path) : undefined;
      visit.token = typeof token === 'string' ? token : null;
      visit.timeoutSeconds = details.timeoutInSeconds ?? null;
    }
  }

  private taskFailed(visit: Visit, event: HistoryEvent, type: string, when: Date): void {
    visit.settled = true;
    const details = failureDetails(event);
    const failure = {
      state: visit.name,
      error: details?.error ?? type,
      cause: readableCause(details?.cause),
    };
    // A child execution that failed: its description is the cause.
    const child = parseJson(details?.cause);
    const failedChild = childOf(child, undefined);
    if (failedChild && isObject(child)) {
      visit.child = failedChild;
      failure.cause = `${failedChild.executionArn} ended ${String(child.Status ?? 'FAILED')}${child.Error ? `: ${String(child.Error)}` : ''}`;
    }
    visit.pending = failure;
    this.log(when, visit, `failed: ${failure.error}: ${failure.cause}`);
  }

  private exited(visit: Visit, event: HistoryEvent, when: Date): void {
    visit.exitedAt = when;
    visit.output = parseJson(event.stateExitedEventDetails?.output);
    if (visit.pending) {
      const caught = { ...visit.pending, next: null, at: this.since(when) };
      this.caught.push(caught);
      this.failure ??= visit.pending;
      this.awaitingNext = { entry: this.log(when, visit, 'caught'), caught };
      visit.caught = true;
      visit.pending = null;
    } else if (visit.type === 'Task') {
      this.log(when, visit, 'ok');
    } else if (visit.type === 'Wait') {
      const waited = Math.round((when.getTime() - visit.enteredAt.getTime()) / 1000);
      this.log(visit.enteredAt, visit, `waited ${waited} s`);
    } else if (visit.type === 'Succeed') {
      this.log(when, visit, 'succeed');
    }
  }

  private executionFailed(event: HistoryEvent, when: Date): void {
    const details = event.executionFailedEventDetails;
    const last = this.visits.at(-1);
    const ended = {
      state: last?.name ?? '',
      error: details?.error ?? 'ExecutionFailed',
      cause: readableCause(details?.cause),
    };
    this.ended = ended;
    if (last?.type === 'Fail') this.log(when, last, `failed: ${ended.error}: ${ended.cause}`);
    this.failure ??= last?.pending ?? ended;
  }

  private stopped(visit: Visit | undefined, event: HistoryEvent, type: string, when: Date): void {
    const stop = type === 'ExecutionTimedOut' ? 'TIMED_OUT' : 'ABORTED';
    const details = event.executionTimedOutEventDetails ?? event.executionAbortedEventDetails;
    const state = visit?.name ?? this.visits.at(-1)?.name ?? '';
    const ended = {
      state,
      error: details?.error || (stop === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionAborted'),
      cause:
        readableCause(details?.cause) ||
        `The execution ${stop === 'TIMED_OUT' ? 'timed out' : 'was aborted'} in ${state}.`,
    };
    this.ended = ended;
    this.failure ??= ended;
    const wait = visit ? waitSeconds(this.asl.States[visit.name], visit.input) : null;
    this.log(
      when,
      { name: state, type: visit?.type ?? '' },
      `execution ${stop} in this state${wait !== null ? ` (it was to wait ${wait} s)` : ''}`,
    );
  }
}
