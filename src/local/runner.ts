import './environment.ts';
import './polyfill.ts';

import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { PlanIssue } from '../errors.ts';
import { AccessDenied, ApprovalRejected } from '../errors.ts';
import { isResourceKind, kinds } from '../kinds/index.ts';
import { listChanges } from '../ledger/changes.ts';
import { type Plan, planIssues, planSchema } from '../plan/schema.ts';
import { difference } from '../resources/resource.ts';
import { Sandbox, type Snapshot, type WorldOptions } from '../sandbox/index.ts';
import { type Execution, emptyWorld } from '../sandbox/world.ts';
import { planInput } from '../steps/validate-plan.ts';
import {
  type AslState,
  forwardPath,
  type LoadedMachine,
  loadMachine,
  retryDelaySeconds,
  waitSeconds,
  withResult,
} from './definition.ts';

/**
 * fail: a named, non-retryable error after the state's work; timeout: the state runs past its
 * TimeoutSeconds (States.Timeout); throttle: its first two AWS calls are throttled; uncatchable:
 * the execution ends with an error no Retry or Catch handles (States.Runtime); function-timeout:
 * the first attempt runs past the function's own timeout, which Step Functions reports as
 * Sandbox.Timedout, not States.Timeout.
 */
export type FaultKind = 'fail' | 'timeout' | 'throttle' | 'uncatchable' | 'function-timeout';
export const FAULT_KINDS: readonly FaultKind[] = [
  'fail',
  'timeout',
  'throttle',
  'uncatchable',
  'function-timeout',
];
export interface Fault {
  state: string;
  kind: FaultKind;
}

/** An operator's answer to the go/no-go. */
export type ApprovalAnswer = 'approve' | 'reject' | 'timeout';

/**
 * Where a task's function dies (out of memory, killed): at its first call that changes a resource,
 * `before` AWS gets it, or `after` AWS applied it and before the ledger records it as applied.
 */
export interface Crash {
  state: string;
  at: 'before' | 'after';
  /** How many attempts die (default 1). The state retries once, so 2 make the cutover roll back. */
  times?: number;
}

export interface RehearsalOptions {
  /** The plan as the operator wrote it; it is validated by the state machine's first state. */
  plan: unknown;
  faults?: Fault[];
  /** Every health check fails, so the deadline triggers rollback. */
  unhealthy?: boolean;
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
}

/** A sandboxed world and the state it started in, which `worldRestored` is judged against. */
export interface Session {
  sandbox: Sandbox;
  startingWorld: Snapshot;
}

/** A new world for `plan`: every resource exists and is wired right. */
export function newSession(plan: unknown, world?: WorldOptions): Session {
  const parsed = planSchema.safeParse(planInput(plan));
  // An invalid plan describes no world; it stops in ValidatePlan before touching one.
  const sandbox = parsed.success
    ? Sandbox.fromPlan(parsed.data, { ledgerTable: LEDGER_TABLE, ...world })
    : new Sandbox(emptyWorld('eu-west-2', '123456789012'));
  return { sandbox, startingWorld: sandbox.snapshot() };
}

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
const ENDINGS: Record<string, RehearsalStatus> = {
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
  failure: { state: string; error: string; cause: string } | null;
  /** A dry-run's report: what would change, problems, drift, the expected freeze. */
  plan?: unknown;
  errors?: PlanIssue[];
  mutatingCalls: number;
  notifications: { topicArn: string; subject: string | undefined }[];
  timeline: TimelineEntry[];
  wallMilliseconds: number;
}

/** The ledger table every rehearsal world has, and the handlers are told of. */
export const LEDGER_TABLE = 'cognito-cutover-rehearsal-ledger';

let machine: LoadedMachine | undefined;
const handlerCache = new Map<string, (event: unknown) => Promise<unknown>>();

async function handlerFor(loaded: LoadedMachine, fn: string) {
  const cached = handlerCache.get(fn);
  if (cached) return cached;
  const spec = loaded.handlers[fn];
  if (!spec) throw new Error(`serverless.yml defines no handler for ${fn}`);
  // Handlers read their environment at load, as in Lambda.
  process.env.LEDGER_TABLE = LEDGER_TABLE;
  const module = (await import(spec.module)) as Record<string, (event: unknown) => Promise<unknown>>;
  const handler = module[spec.exportName];
  if (!handler) throw new Error(`${spec.module} does not export ${spec.exportName}`);
  handlerCache.set(fn, handler);
  return handler;
}

export function cutoverMachine(): LoadedMachine {
  machine ??= loadMachine('cutover');
  return machine;
}

let rollback: LoadedMachine | undefined;
export function rollbackMachine(): LoadedMachine {
  rollback ??= loadMachine('rollback');
  return rollback;
}

/** The Task states a fault may target: those on the forward path, in runbook order. */
export function taskStates(loaded = cutoverMachine(), dryRun = false): string[] {
  return forwardPath(loaded.definition, dryRun).filter(
    (name) => loaded.definition.States[name]?.Type === 'Task',
  );
}

function statesTimeout(): Error {
  return Object.assign(new Error('States.Timeout'), { name: 'States.Timeout' });
}

/**
 * An error that ends the execution whatever its Retry and Catch say: `States.ALL` matches neither
 * States.DataLimitExceeded nor States.Runtime
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). The local
 * engine reads `isRetryable` and `isCatchable` off the error.
 */
function uncatchable(name: 'States.DataLimitExceeded' | 'States.Runtime', message: string): Error {
  return Object.assign(new Error(message), { name, isRetryable: false, isCatchable: false });
}

/**
 * Step Functions refuses a state input (after Parameters), a task result or a state output over
 * 256 KiB as UTF-8 (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
 * "Maximum input or output size for a task, state, or execution"), with States.DataLimitExceeded.
 */
export const PAYLOAD_QUOTA_BYTES = 262_144;

function checkPayload(stateName: string, what: string, value: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
  if (bytes > PAYLOAD_QUOTA_BYTES) {
    throw uncatchable(
      'States.DataLimitExceeded',
      `The ${what} of ${stateName} is ${bytes} bytes, over the ${PAYLOAD_QUOTA_BYTES}-byte payload quota.`,
    );
  }
}

function freezeFloor(
  plan: Plan,
  world: WorldOptions | undefined,
  waitAfterSwitch: number | undefined,
): number | null {
  if (waitAfterSwitch === undefined) return null;
  return (
    (world?.dnsPropagationSeconds ?? 20) +
    waitAfterSwitch +
    (plan.health.requiredPasses - 1) * plan.health.intervalSeconds
  );
}

interface MachineRun {
  succeeded: boolean;
  /** The Fail or Succeed state the execution ended in. */
  endedIn: string | undefined;
  output: unknown;
}

/**
 * Runs the deployed cutover definition, with the deployed handlers, against an in-process AWS.
 * Wait states take no real time: each advances the sandbox's clock by what it would have waited.
 * The cutover's Rollback task runs the rollback state machine here, as startExecution.sync would.
 */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const started = performance.now();
  const loaded = cutoverMachine();
  const rollbackLoaded = rollbackMachine();
  const parsed = planSchema.safeParse(planInput(options.plan));
  const plan = parsed.success ? parsed.data : undefined;
  const { sandbox, startingWorld } = options.session ?? newSession(options.plan, options.world);
  sandbox.unhealthy = options.unhealthy ?? false;
  const earlierMessages = sandbox.messages.length;
  // A carried-over session has answered earlier commands' calls: report only this rehearsal's.
  const earlierCalls = sandbox.calls.length;
  const t0 = sandbox.clock.now();
  const since = () => Math.round((sandbox.clock.now() - t0) / 1000);
  const region = plan?.region ?? 'eu-west-2';
  const { executions } = sandbox.world;
  // Execution names are unique per state machine, as Step Functions requires of a running one.
  const executionName = executions.size === 0 ? 'rehearsal' : `rehearsal-${executions.size + 1}`;
  const executionArn = (machineName: string, name = executionName) =>
    `arn:aws:states:${region}:${sandbox.world.accountId}:execution:cognito-cutover-${machineName}:${name}`;

  const faults = new Map((options.faults ?? []).map((f) => [f.state, f.kind]));
  const attempts = new Map<string, number>();
  const outcome = new Map<string, 'SUCCEEDED' | 'FAILED'>();
  const timeline: TimelineEntry[] = [];
  const entered = new Map<string, number>();
  const exited = new Map<string, number>();
  const caught = new Set<string>();
  let transitions = 0;
  let failure: RehearsalReport['failure'] = null;
  let waitAfterSwitch: number | undefined;
  let stopped = false;
  const log = (entry: TimelineEntry) => {
    timeline.push(entry);
    options.onState?.(entry);
  };

  /**
   * A .waitForTaskToken task: the function gets the token, then an operator answers with
   * SendTaskSuccess or SendTaskFailure, or lets the task time out.
   */
  async function callback(handler: (event: unknown) => Promise<unknown>, taskInput: unknown) {
    const payload = (taskInput as { Payload: { plan?: Plan } }).Payload;
    await handler(payload);
    const answer = typeof options.approval === 'function' ? await options.approval() : options.approval;
    if (answer === 'reject') throw new ApprovalRejected('No-go from an operator (--reject-approval).');
    if (answer === 'timeout') {
      sandbox.clock.advance(payload.plan?.approval.timeoutSeconds ?? 0);
      throw statesTimeout();
    }
    return { approved: true };
  }

  async function runMachine(
    machine: LoadedMachine,
    name: string,
    input: unknown,
    prefix: string,
    extra: Record<string, (input: unknown) => Promise<unknown>> = {},
    instance = executionName,
  ): Promise<MachineRun> {
    const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = { ...extra };
    /** Each state's input as it entered, for the size of its output. */
    const stateInputs = new Map<string, unknown>();
    for (const [stateName, fn] of Object.entries(machine.functionOf)) {
      const handler = await handlerFor(machine, fn);
      const state = machine.definition.States[stateName] as AslState;
      const key = prefix + stateName;
      const fault = faults.get(key);
      taskHandlers[stateName] = async (taskInput: unknown) => {
        // A zero-length Wait returns synchronously; let the event watcher advance the clock for it first.
        await new Promise((resolve) => setImmediate(resolve));
        // A stopped execution runs nothing more; Step Functions would not call the Lambda.
        if (stopped && !prefix)
          throw Object.assign(new Error('execution stopped'), { name: 'States.Runtime' });
        checkPayload(key, 'input', taskInput);
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        if (fault === 'throttle' && attempt === 1) sandbox.throttleNext(2);
        const crash =
          !prefix && options.crash?.state === stateName && attempt <= (options.crash.times ?? 1)
            ? sandbox.crashAt(options.crash.at)
            : undefined;
        try {
          const running = machine.callbacks.has(stateName)
            ? callback(handler, taskInput)
            : handler(taskInput);
          const result = await (crash ? Promise.race([running, crash]) : running);
          if (options.failTrigger && !prefix && stateName === 'Preflight') {
            sandbox.world.deniedActions.add('cognito-idp:AdminInitiateAuth');
          }
          if (fault === 'fail') throw new AccessDenied(`${key} failed (injected by --fail ${key})`);
          if (fault === 'timeout') {
            sandbox.clock.advance(state.TimeoutSeconds ?? 60);
            throw statesTimeout();
          }
          if (fault === 'uncatchable') {
            throw uncatchable(
              'States.Runtime',
              `${key} ended the execution with an error no Retry or Catch handles (injected by --fail ${key}:uncatchable).`,
            );
          }
          if (fault === 'function-timeout' && attempt === 1) {
            const seconds = machine.handlers[fn]?.timeoutSeconds ?? 3;
            sandbox.clock.advance(seconds);
            throw Object.assign(
              new Error(`RequestId: rehearsal Error: Task timed out after ${seconds.toFixed(2)} seconds`),
              { name: 'Sandbox.Timedout' },
            );
          }
          checkPayload(key, 'result', result);
          // Without Parameters the task's input is the state's; otherwise the watcher kept it.
          const entered = state.Parameters === undefined ? taskInput : stateInputs.get(stateName);
          if (entered !== undefined)
            checkPayload(key, 'output', withResult(entered, state.ResultPath, result));
          return result;
        } finally {
          if (fault === 'throttle') sandbox.throttleNext(0);
          if (crash) sandbox.disarmCrash();
        }
      };
    }
    const zero = (type: string) =>
      Object.fromEntries(
        Object.entries(machine.definition.States)
          .filter(([, s]) => s.Type === type)
          .map(([stateName]) => [stateName, 0]),
      );
    const executionId = executionArn(name, instance);
    const startDate = sandbox.clock.now();
    executions.set(executionId, { status: 'RUNNING', startDate });
    // --timeout-at stands in for the execution timeout, which here would be a real-time timer.
    const { TimeoutSeconds: _timeout, ...definition } = machine.definition;
    const execution = new StateMachine(definition as never, {
      validationOptions: { checkArn: false, checkPaths: true },
    }).run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        waitTimeOverrides: zero('Wait'),
        retryIntervalOverrides: zero('Task'),
      },
      context: {
        Execution: {
          Id: executionId,
          Name: instance,
          StartTime: new Date(sandbox.clock.now()).toISOString(),
          Input: input,
        },
        Task: { Token: `${executionName}-task-token` },
      } as never,
    });
    let endedIn: string | undefined;
    const watch = (async () => {
      for await (const event of execution.eventLogs) {
        if (!('state' in event)) continue;
        const { type } = event.state;
        const name = prefix + event.state.name;
        if (event.type === 'StateEntered' || event.type === 'StateExited') {
          const payload = event.type === 'StateEntered' ? event.state.input : event.state.output;
          if (payload !== undefined) options.onPayload?.(name, JSON.stringify(payload));
        }
        if (event.type === 'StateEntered') {
          stateInputs.set(event.state.name, event.state.input);
          if (!prefix && options.stopAt?.state === name) {
            stopped = true;
            endedIn = options.stopAt.kind === 'abort' ? 'ABORTED' : 'TIMED_OUT';
            log({ at: since(), state: name, type, outcome: `execution ${endedIn} as it entered this state` });
            failure ??= {
              state: name,
              error: `Execution${endedIn === 'ABORTED' ? 'Aborted' : 'TimedOut'}`,
              cause: `The execution was ${endedIn === 'ABORTED' ? 'aborted' : 'timed out'} as it entered ${name}.`,
            };
            execution.abort();
            continue;
          }
          transitions++;
          entered.set(name, entered.get(name) ?? since());
          if (type === 'Wait') {
            const seconds = waitSeconds(machine.definition.States[event.state.name], event.state.input) ?? 0;
            if (name === 'WaitCutoverTtl') waitAfterSwitch = seconds;
            const entry = { at: since(), state: name, type, outcome: `waited ${seconds} s` };
            sandbox.clock.advance(seconds);
            log(entry);
          }
        } else if (event.type === 'StateExited' && type !== 'Wait') {
          exited.set(name, since());
          if (type === 'Fail' || type === 'Succeed') endedIn = event.state.name;
          // A caught failure also exits the state: it stays FAILED, and its line is already printed.
          if (outcome.get(name) === 'FAILED' && caught.has(name)) continue;
          if (type === 'Task') outcome.set(name, 'SUCCEEDED');
          if (type === 'Task' || type === 'Succeed') {
            log({ at: since(), state: name, type, outcome: type === 'Task' ? 'ok' : 'succeed' });
          }
        } else if (
          event.type === 'StateFailed' ||
          event.type === 'StateRetried' ||
          event.type === 'StateCaught'
        ) {
          if (event.type === 'StateCaught') caught.add(name);
          // Retries take no real time either; the clock moves by what Step Functions would wait.
          if (event.type === 'StateRetried') {
            sandbox.clock.advance(retryDelaySeconds(event.retry.retrier, event.retry.attempt));
          }
          if (event.type === 'StateFailed') {
            if (type === 'Fail') endedIn = event.state.name;
            outcome.set(name, 'FAILED');
            failure ??= { state: name, error: String(event.Error), cause: String(event.Cause ?? '') };
          }
          const text =
            event.type === 'StateFailed'
              ? `failed: ${String(event.Error)}: ${String(event.Cause ?? '')}`
              : event.type === 'StateRetried'
                ? `retrying (attempt ${event.retry.attempt + 1})`
                : `caught, next: ${event.catch.catcher.Next}`;
          log({ at: since(), state: name, type, outcome: text });
        }
      }
    })();
    const ended = (status: Execution['status']) =>
      executions.set(executionId, { status, startDate, stopDate: sandbox.clock.now() });
    try {
      const output = await execution.result;
      await watch;
      ended('SUCCEEDED');
      return { succeeded: true, endedIn, output };
    } catch (error) {
      if (!(error instanceof ExecutionError || error instanceof ExecutionAbortedError)) throw error;
      await watch;
      ended(endedIn === 'ABORTED' || endedIn === 'TIMED_OUT' ? endedIn : 'FAILED');
      return { succeeded: false, endedIn, output: null };
    }
  }

  const breakRestores = () => {
    const target =
      options.failRestore && isResourceKind(options.failRestore)
        ? kinds[options.failRestore].restoredBy
        : undefined;
    if (!target) return;
    const denied = Object.assign(new Error(`not authorized to perform ${target.command} (--fail-restore)`), {
      name: 'AccessDeniedException',
      $fault: 'client',
    });
    sandbox.failAlways(target.service, target.command, denied);
  };

  /** startExecution.sync:2 — runs the child to its end and answers as Step Functions would. */
  const startRollback = async (taskInput: unknown) => {
    breakRestores();
    const childInput = { ...((taskInput as { Input?: Record<string, unknown> }).Input ?? {}) };
    delete childInput.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
    const child = await runMachine(rollbackLoaded, 'rollback', childInput, 'rollback/');
    if (!child.succeeded) {
      throw Object.assign(new Error(`The rollback execution ended in ${child.endedIn ?? 'failure'}`), {
        name: 'States.TaskFailed',
      });
    }
    return { ExecutionArn: executionArn('rollback'), Status: 'SUCCEEDED', Output: child.output };
  };

  /** What an operator starts: the rollback machine alone, for the whole migration. */
  const runRollbackOnly = async (migrationId: string): Promise<MachineRun> => {
    breakRestores();
    const child = await runMachine(rollbackLoaded, 'rollback', { migrationId, region }, 'rollback/');
    return { ...child, endedIn: child.succeeded ? 'RolledBack' : 'RollbackIncomplete' };
  };

  sandbox.install();
  try {
    const run = options.rollbackOf
      ? await runRollbackOnly(options.rollbackOf)
      : await runMachine(loaded, 'cutover', options.plan, '', { Rollback: startRollback });
    if (!options.rollbackOf && !run.succeeded && options.autoRollback !== false) {
      // The rule on FAILED / TIMED_OUT / ABORTED hands the rollback machine the whole status-change
      // event. After the cutover's own rollback it finds nothing left, and says nothing twice.
      const status = run.endedIn === 'ABORTED' || run.endedIn === 'TIMED_OUT' ? run.endedIn : 'FAILED';
      const event = {
        cutoverEvent: {
          detail: { executionArn: executionArn('cutover'), status, input: JSON.stringify(options.plan) },
        },
      };
      breakRestores();
      const again = [...attempts.keys()].some((state) => state.startsWith('rollback/'));
      const child = again
        ? await runMachine(rollbackLoaded, 'rollback', event, 'rule-rollback/', {}, `${executionName}-rule`)
        : await runMachine(rollbackLoaded, 'rollback', event, 'rollback/');
      // A Fail state of the cutover's own says how it ended; otherwise the rule's rollback does.
      if (!(run.endedIn && run.endedIn in ENDINGS)) {
        run.endedIn = child.succeeded ? 'RolledBack' : 'RollbackIncomplete';
      }
    }
    const status: RehearsalStatus =
      run.succeeded && !options.rollbackOf ? 'SUCCEEDED' : (ENDINGS[run.endedIn ?? ''] ?? 'FAILED');

    const ledger = plan
      ? await listChanges({ table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId })
      : [];
    const drift = sandbox.compare(startingWorld);
    const path = taskStates(loaded, plan?.dryRun ?? false);
    const failurePath = [...attempts.keys()].filter((s) => !path.includes(s));
    const freezeStart = entered.get('RestrictWrites');
    const freezeEnd = exited.get('ReleaseWrites') ?? exited.get('rollback/Restore');
    return {
      status,
      migrationId: plan?.migrationId ?? null,
      steps: [...path, ...failurePath].map((name) => ({
        name,
        status: outcome.get(name) ?? 'SKIPPED',
        attempts: attempts.get(name) ?? 0,
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
      stateTransitions: transitions,
      simulatedSeconds: since(),
      freezeWindowSeconds:
        freezeStart !== undefined && freezeEnd !== undefined ? freezeEnd - freezeStart : null,
      freezeFloorSeconds: plan ? freezeFloor(plan, options.world, waitAfterSwitch) : null,
      failure,
      ...(parsed.success ? {} : { errors: planIssues(parsed.error) }),
      ...(plan?.dryRun && run.succeeded ? { plan: (run.output as { report?: unknown }).report } : {}),
      // Calls that change a resource: the ledger and notifications are not resources.
      mutatingCalls: sandbox
        .mutatingCalls({ since: earlierCalls })
        .filter((c) => !(c.service === 'SNS' && c.command === 'Publish')).length,
      notifications: sandbox.messages
        .slice(earlierMessages)
        .map((m) => ({ topicArn: m.topicArn, subject: m.subject })),
      timeline,
      wallMilliseconds: Math.round(performance.now() - started),
    };
  } finally {
    sandbox.uninstall();
  }
}
