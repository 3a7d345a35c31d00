import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { approvalDocumentName } from '../approval/document.ts';
import { signalApproval } from '../approval/signal.ts';
import { waitingApproval } from '../approval/waiting.ts';
import { requireEnv } from '../config.ts';
import { isResourceKind, kinds } from '../kinds/index.ts';
import type { Plan } from '../plan/schema.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { type CallbackTask, type Execution, REHEARSAL_STAGE } from '../sandbox/world.ts';
import {
  type AslState,
  everyState,
  type LoadedMachine,
  machine,
  stateNamed,
} from '../statemachines/definition.ts';
import { withResult } from '../statemachines/json-path.ts';
import { retryDelaySeconds, waitSeconds } from '../statemachines/timing.ts';
import { pollOutcome } from '../steps/check-health.ts';
import { playDistributedMap, UNTIMED } from './distributed-map.ts';
import { checkPayload, type FaultKind, statesTimeout, strike } from './faults.ts';
import type { ApprovalAnswer, RehearsalOptions } from './options.ts';
import { ENDINGS, type TimelineEntry, Trace } from './report.ts';

type Handler = (event: unknown) => Promise<unknown>;
/** An event of the local engine's log (the package names the type but does not export it). */
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncIterable<infer E> ? E : never;

/** How one execution of a state machine ended. */
export interface MachineRun {
  succeeded: boolean;
  /** The Fail or Succeed state the execution ended in, or ABORTED / TIMED_OUT when it was stopped. */
  endedIn: string | undefined;
  output: unknown;
}

/** One execution: which machine, its name, its input, and how its states are named in the trace. */
interface Launch {
  loaded: LoadedMachine;
  machineName: 'cutover' | 'rollback' | 'sweep';
  input: unknown;
  /** '' for the cutover; `rollback/` or `rule-rollback/` for a rollback execution's states. */
  prefix: string;
  /** Task states played by the runner rather than a function (the cutover's Rollback task). */
  extra?: Record<string, Handler>;
  instance?: string;
}

const handlerCache = new Map<string, Handler>();
/** The health polls, whose lines say pass or fail and why rather than "ok". */
const POLLS = new Set(['CheckHealth', 'WatchGrace']);

/** The function's handler as serverless.yml names it, loaded once per process as a warm Lambda keeps it. */
async function handlerFor(loaded: LoadedMachine, fn: string, ledgerTable: string): Promise<Handler> {
  const cached = handlerCache.get(fn);
  if (cached) return cached;
  const spec = loaded.handlers[fn];
  if (!spec) throw new Error(`serverless.yml defines no handler for ${fn}`);
  // The function's environment, as serverless.yml sets it.
  process.env.LEDGER_TABLE = ledgerTable;
  process.env.APPROVAL_DOCUMENT = approvalDocumentName('cognito-cutover', REHEARSAL_STAGE);
  process.env.APPROVAL_ROLE_ARN = `arn:aws:iam::123456789012:role/cognito-cutover-${REHEARSAL_STAGE}-approval`;
  const module = (await import(spec.module)) as Record<string, Handler>;
  const handler = module[spec.exportName];
  if (!handler) throw new Error(`${spec.module} does not export ${spec.exportName}`);
  handlerCache.set(fn, handler);
  return handler;
}

/** Each state of `type` with zero: Waits and retries take no real time here. */
const zeroFor = (definition: LoadedMachine['definition'], type: string) =>
  Object.fromEntries(
    [...everyState(definition)].filter(([, s]) => s.Type === type).map(([stateName]) => [stateName, 0]),
  );

/**
 * Runs the deployed state machines, with the deployed handlers, against an in-process AWS, as
 * Step Functions would: the engine (aws-local-stepfunctions) walks the ASL; this plays what it
 * cannot (the task token callback, startExecution.sync, the EventBridge rule that starts a
 * rollback when a cutover stops, the execution timeout) and injects the rehearsal's faults.
 * Wait states and retries take no real time: each moves the sandbox's clock by what AWS would wait.
 */
export class Rehearsal {
  readonly trace = new Trace();
  /** Set once the cutover is stopped: Step Functions would call no more of its functions. */
  private stopped = false;
  private readonly t0: number;
  readonly executionName: string;

  constructor(
    private readonly options: RehearsalOptions,
    private readonly sandbox: Sandbox,
    private readonly region: string,
    private readonly ledgerTable: string,
  ) {
    this.t0 = sandbox.clock.now();
    // Execution names are unique per state machine, as Step Functions requires of a running one.
    const count = sandbox.world.executions.size;
    this.executionName = count === 0 ? 'rehearsal' : `rehearsal-${count + 1}`;
  }

  /** Simulated seconds since the rehearsal began. */
  since(): number {
    return Math.round((this.sandbox.clock.now() - this.t0) / 1000);
  }

  executionArn(machineName: string, name = this.executionName): string {
    return `arn:aws:states:${this.region}:${this.sandbox.world.accountId}:execution:cognito-cutover-${machineName}:${name}`;
  }

  /** The cutover (and the rollback its failure starts), or only the rollback, as `options` ask. */
  async run(): Promise<MachineRun> {
    const { options } = this;
    if (options.rollbackOf) return this.rollbackOnly(options.rollbackOf);
    if (options.sweep) {
      return this.execute({
        loaded: machine('sweep'),
        machineName: 'sweep',
        input: { plan: options.plan, dryRun: options.sweep.dryRun === true },
        prefix: '',
      });
    }
    const run = await this.execute({
      loaded: machine('cutover'),
      machineName: 'cutover',
      input: options.plan,
      prefix: '',
      extra: { Rollback: (input) => this.startRollback(input) },
    });
    if (!run.succeeded && options.autoRollback !== false) await this.ruleRollback(run);
    return run;
  }

  private log(entry: TimelineEntry): void {
    this.trace.timeline.push(entry);
    this.options.onState?.(entry);
  }

  /** What an operator starts: the rollback machine alone, for the whole migration. */
  private async rollbackOnly(migrationId: string): Promise<MachineRun> {
    this.breakRestores();
    const child = await this.execute({
      loaded: machine('rollback'),
      machineName: 'rollback',
      input: { migrationId, region: this.region },
      prefix: 'rollback/',
    });
    return { ...child, endedIn: child.succeeded ? 'RolledBack' : 'RollbackIncomplete' };
  }

  /** startExecution.sync:2 — runs the child to its end and answers as Step Functions would. */
  private async startRollback(taskInput: unknown) {
    this.breakRestores();
    const childInput = { ...((taskInput as { Input?: Record<string, unknown> }).Input ?? {}) };
    delete childInput.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
    const child = await this.execute({
      loaded: machine('rollback'),
      machineName: 'rollback',
      input: childInput,
      prefix: 'rollback/',
    });
    if (!child.succeeded) {
      throw Object.assign(new Error(`The rollback execution ended in ${child.endedIn ?? 'failure'}`), {
        name: 'States.TaskFailed',
      });
    }
    return { ExecutionArn: this.executionArn('rollback'), Status: 'SUCCEEDED', Output: child.output };
  }

  /**
   * The rule on FAILED / TIMED_OUT / ABORTED hands the rollback machine the whole status-change
   * event. After the cutover's own rollback it finds nothing left, and says nothing twice.
   */
  private async ruleRollback(run: MachineRun): Promise<void> {
    const status = run.endedIn === 'ABORTED' || run.endedIn === 'TIMED_OUT' ? run.endedIn : 'FAILED';
    const input = {
      cutoverEvent: {
        detail: {
          executionArn: this.executionArn('cutover'),
          status,
          input: JSON.stringify(this.options.plan),
        },
      },
    };
    this.breakRestores();
    const again = [...this.trace.attempts.keys()].some((state) => state.startsWith('rollback/'));
    const child = await this.execute({
      loaded: machine('rollback'),
      machineName: 'rollback',
      input,
      prefix: again ? 'rule-rollback/' : 'rollback/',
      ...(again ? { instance: `${this.executionName}-rule` } : {}),
    });
    // A Fail state of the cutover's own says how it ended; otherwise the rule's rollback does.
    if (!(run.endedIn && run.endedIn in ENDINGS)) {
      run.endedIn = child.succeeded ? 'RolledBack' : 'RollbackIncomplete';
    }
  }

  /** `--fail-restore KIND`: AWS refuses every call that would restore a resource of that kind. */
  private breakRestores(): void {
    const kind = this.options.failRestore;
    const target = kind && isResourceKind(kind) ? kinds[kind].restoredBy : undefined;
    if (!target) return;
    const denied = Object.assign(new Error(`not authorized to perform ${target.command} (--fail-restore)`), {
      name: 'AccessDeniedException',
      $fault: 'client',
    });
    this.sandbox.failAlways(target.service, target.command, denied);
  }

  /**
   * A .waitForTaskToken task: the function gets the token, then an operator answers with
   * SendTaskSuccess or SendTaskFailure, or lets the task time out. With approvers in the plan the
   * function opened a Systems Manager Automation approval, and the approvers answer it one by one,
   * each as themselves, as they would in the console; the sandbox runs the runbook that answers the token.
   */
  private async callback(handler: Handler, taskInput: unknown, key: string) {
    const payload = (taskInput as { Payload: { plan?: Plan; taskToken?: string; executionId?: string } })
      .Payload;
    const token = payload.taskToken ?? '';
    const task: CallbackTask = { status: 'waiting' };
    this.sandbox.world.tasks.set(token, task);
    await handler(payload);
    const { approval } = this.options;
    const answer = typeof approval === 'function' ? await approval() : approval;
    const plan = payload.plan;
    if (plan && plan.approval.approvers.length > 0) {
      await this.approvers(plan, payload.executionId ?? '', answer ?? 'approve', key);
    } else if (answer === 'reject') {
      Object.assign(task, {
        status: 'failed',
        error: 'ApprovalRejected',
        cause: 'No-go from an operator (--reject-approval).',
      });
    } else if (answer !== 'timeout') {
      Object.assign(task, { status: 'succeeded', output: JSON.stringify({ approved: true }) });
    }
    if (task.status === 'waiting') {
      task.status = 'timedOut';
      this.sandbox.clock.advance(payload.plan?.approval.timeoutSeconds ?? 0);
      throw statesTimeout();
    }
    if (task.status === 'failed') {
      throw Object.assign(new Error(task.cause ?? ''), { name: task.error ?? 'States.TaskFailed' });
    }
    return JSON.parse(task.output ?? '{}') as object;
  }

  /**
   * The plan's approvers answer the go/no-go in Systems Manager, in order: as many as the quorum
   * approve; on a no-go, the last of those rejects instead; on a timeout, one fewer than the quorum
   * approves and the rest stay silent.
   */
  private async approvers(plan: Plan, executionArn: string, answer: ApprovalAnswer, key: string) {
    const { approvers, minApprovals } = plan.approval;
    const document = requireEnv('APPROVAL_DOCUMENT');
    const waiting = await waitingApproval(plan.region, document, executionArn);
    if (!waiting) throw new Error(`no approval of ${executionArn} waits in Systems Manager Automation`);
    const answering = approvers.slice(0, answer === 'timeout' ? minApprovals - 1 : minApprovals);
    let approvals = 0;
    for (const [i, approver] of answering.entries()) {
      const signal = answer === 'reject' && i === answering.length - 1 ? 'Reject' : 'Approve';
      await this.sandbox.as(approver, () =>
        signalApproval(plan.region, waiting.automationExecutionId, signal, 'rehearsal'),
      );
      if (signal === 'Approve') approvals += 1;
      const who = approver.replace(/^.*:/, '');
      this.log({
        at: this.since(),
        state: key,
        type: 'Task',
        outcome:
          signal === 'Approve' ? `approved by ${who} (${approvals} of ${minApprovals})` : `no-go from ${who}`,
      });
    }
  }

  /** Each Task state's function, wrapped in what the rehearsal injects: faults, crashes, quotas. */
  private async taskHandlers(launch: Launch, stateInputs: Map<string, unknown>) {
    const handlers: Record<string, Handler> = { ...launch.extra };
    for (const [stateName, fn] of Object.entries(launch.loaded.functionOf)) {
      const handler = await handlerFor(launch.loaded, fn, this.ledgerTable);
      handlers[stateName] = this.task(launch, stateName, fn, handler, stateInputs);
    }
    return handlers;
  }

  private task(
    launch: Launch,
    stateName: string,
    fn: string,
    handler: Handler,
    stateInputs: Map<string, unknown>,
  ): Handler {
    const { options, sandbox, trace } = this;
    const { loaded, prefix } = launch;
    const state = stateNamed(loaded.definition, stateName) as AslState;
    const key = prefix + stateName;
    const fault: FaultKind | undefined = options.faults?.find((f) => f.state === key)?.kind;
    return async (taskInput: unknown) => {
      // A zero-length Wait returns synchronously; let the event watcher advance the clock for it first.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.stopped && !prefix)
        throw Object.assign(new Error('execution stopped'), { name: 'States.Runtime' });
      checkPayload(key, 'input', taskInput);
      const attempt = (trace.attempts.get(key) ?? 0) + 1;
      trace.attempts.set(key, attempt);
      if (fault === 'throttle' && attempt === 1) sandbox.throttleNext(2);
      const crash =
        !prefix && options.crash?.state === stateName && attempt <= (options.crash.times ?? 1)
          ? sandbox.crashAt(options.crash.at)
          : undefined;
      try {
        const running = loaded.callbacks.has(stateName)
          ? this.callback(handler, taskInput, key)
          : handler(taskInput);
        const result = await (crash ? Promise.race([running, crash]) : running);
        if (options.failTrigger && !prefix && stateName === 'Preflight') {
          sandbox.world.deniedActions.add('cognito-idp:AdminInitiateAuth');
        }
        const functionTimeoutSeconds = loaded.handlers[fn]?.timeoutSeconds ?? 3;
        strike(fault, { key, state, attempt, functionTimeoutSeconds }, sandbox);
        checkPayload(key, 'result', result);
        if (POLLS.has(stateName)) {
          const required = (taskInput as { plan?: Plan }).plan?.health.requiredPasses ?? 1;
          trace.notes.set(key, pollOutcome(result as Parameters<typeof pollOutcome>[0], required));
        }
        // Without Parameters the task's input is the state's; otherwise the watcher kept it.
        const entered = state.Parameters === undefined ? taskInput : stateInputs.get(stateName);
        if (entered !== undefined) checkPayload(key, 'output', withResult(entered, state.ResultPath, result));
        return result;
      } finally {
        if (fault === 'throttle') sandbox.throttleNext(0);
        if (crash) sandbox.disarmCrash();
      }
    };
  }

  /**
   * Each top-level DISTRIBUTED Map becomes a Task the runner answers by playing the Map: the engine
   * would run its items inline, where their Waits take no simulated time and no failure threshold holds.
   */
  private distributedMaps(launch: Launch, children: Record<string, Handler>) {
    const { definition } = launch.loaded;
    const maps = Object.entries(definition.States).filter(
      ([, state]) => state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED',
    );
    if (maps.length === 0) return undefined;
    const States = { ...definition.States };
    const handlers: Record<string, Handler> = {};
    for (const [name, state] of maps) {
      const { ResultPath, Catch, Next, End } = state;
      States[name] = {
        Type: 'Task',
        Resource: `arn:aws:states:${this.region}:${this.sandbox.world.accountId}:distributedMap:${name}`,
        // The Map's children run inside this call, for as long as a sweep of millions takes here.
        TimeoutSeconds: UNTIMED,
        ...(ResultPath !== undefined ? { ResultPath } : {}),
        ...(Catch ? { Catch } : {}),
        ...(Next ? { Next } : {}),
        ...(End ? { End } : {}),
      };
      handlers[name] = (input) =>
        playDistributedMap(state, input, {
          clock: this.sandbox.clock,
          handlerFor: (stateName) => {
            const handler = children[stateName];
            if (!handler) throw new Error(`No handler for ${stateName} in ${name}'s item processor`);
            return handler;
          },
          onFailure: (event) => this.failed(event, launch.prefix + event.state.name),
        });
    }
    return { definition: { ...definition, States } as LoadedMachine['definition'], handlers };
  }

  /** Runs one execution to its end, recording it in the sandbox's executions as Step Functions lists them. */
  private async execute(launch: Launch): Promise<MachineRun> {
    const { sandbox } = this;
    const { executions } = sandbox.world;
    const instance = launch.instance ?? this.executionName;
    const stateInputs = new Map<string, unknown>();
    const taskResourceLocalHandlers = await this.taskHandlers(launch, stateInputs);
    // Every machine's DISTRIBUTED Maps (the sweep's, the rollback's census) are played by the runner.
    const played = this.distributedMaps(launch, taskResourceLocalHandlers);
    if (played) Object.assign(taskResourceLocalHandlers, played.handlers);
    const executionId = this.executionArn(launch.machineName, instance);
    const startDate = sandbox.clock.now();
    executions.set(executionId, { status: 'RUNNING', startDate });
    // --timeout-at stands in for the execution timeout, which here would be a real-time timer.
    const { TimeoutSeconds: _timeout, ...definition } = played?.definition ?? launch.loaded.definition;
    const execution = new StateMachine(definition as never, {
      validationOptions: { checkArn: false, checkPaths: true },
    }).run(launch.input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        waitTimeOverrides: zeroFor(launch.loaded.definition, 'Wait'),
        retryIntervalOverrides: zeroFor(launch.loaded.definition, 'Task'),
      },
      context: {
        Execution: {
          Id: executionId,
          Name: instance,
          StartTime: new Date(sandbox.clock.now()).toISOString(),
          Input: launch.input,
        },
        Task: { Token: `${this.executionName}-task-token` },
      } as never,
    });
    const watching = { endedIn: undefined as string | undefined, abort: () => execution.abort() };
    const watch = (async () => {
      for await (const event of execution.eventLogs) this.record(event, launch, stateInputs, watching);
    })();
    const ended = (status: Execution['status']) =>
      executions.set(executionId, { status, startDate, stopDate: sandbox.clock.now() });
    try {
      const output = await execution.result;
      await watch;
      ended('SUCCEEDED');
      return { succeeded: true, endedIn: watching.endedIn, output };
    } catch (error) {
      if (!(error instanceof ExecutionError || error instanceof ExecutionAbortedError)) throw error;
      await watch;
      const { endedIn } = watching;
      ended(endedIn === 'ABORTED' || endedIn === 'TIMED_OUT' ? endedIn : 'FAILED');
      return { succeeded: false, endedIn, output: null };
    }
  }

  /** One event of the local engine, in the trace and the timeline, as the execution's history records it. */
  private record(
    event: EventLog,
    launch: Launch,
    stateInputs: Map<string, unknown>,
    watching: { endedIn: string | undefined; abort: () => void },
  ): void {
    if (!('state' in event)) return;
    const { options } = this;
    const name = launch.prefix + event.state.name;
    // Inside a Map: the engine runs a distributed Map's item processor inline, as child executions
    // would run it; the timeline shows the Map, and of its items only what went wrong. Their Waits
    // keep each worker's share of a quota in AWS; they do not move the clock here, where the
    // workers would have waited side by side.
    if (event.index !== undefined) {
      if (event.type === 'StateFailed' || event.type === 'StateRetried' || event.type === 'StateCaught')
        this.failed(event, name);
      return;
    }
    if (event.type === 'StateEntered' || event.type === 'StateExited') {
      const payload = event.type === 'StateEntered' ? event.state.input : event.state.output;
      if (payload !== undefined) options.onPayload?.(name, JSON.stringify(payload));
    }
    if (event.type === 'StateEntered') {
      stateInputs.set(event.state.name, event.state.input);
      if (!launch.prefix && options.stopAt?.state === name) {
        watching.endedIn = this.stop(name, event.state.type);
        watching.abort();
        return;
      }
      // --unhealthy-in-grace: the services fall over after the health gate let them through.
      if (name === 'OpenGrace' && options.unhealthy === 'grace') this.sandbox.unhealthy = true;
      this.entered(launch, name, event.state);
    } else if (event.type === 'StateExited' && event.state.type !== 'Wait') {
      this.exited(name, event.state.type);
      if (event.state.type === 'Fail' || event.state.type === 'Succeed') watching.endedIn = event.state.name;
    } else if (
      event.type === 'StateFailed' ||
      event.type === 'StateRetried' ||
      event.type === 'StateCaught'
    ) {
      this.failed(event, name);
      if (event.type === 'StateFailed' && event.state.type === 'Fail') watching.endedIn = event.state.name;
    }
  }

  /** `--abort-at` / `--timeout-at`: the execution stops as it enters `name`. */
  private stop(name: string, type: string): 'ABORTED' | 'TIMED_OUT' {
    const kind = this.options.stopAt?.kind === 'abort' ? 'ABORTED' : 'TIMED_OUT';
    this.stopped = true;
    this.log({ at: this.since(), state: name, type, outcome: `execution ${kind} as it entered this state` });
    this.trace.failure ??= {
      state: name,
      error: `Execution${kind === 'ABORTED' ? 'Aborted' : 'TimedOut'}`,
      cause: `The execution was ${kind === 'ABORTED' ? 'aborted' : 'timed out'} as it entered ${name}.`,
    };
    return kind;
  }

  private entered(launch: Launch, name: string, state: { name: string; type: string; input?: unknown }) {
    const { trace } = this;
    trace.transitions++;
    trace.entered.set(name, trace.entered.get(name) ?? this.since());
    if (state.type !== 'Wait') return;
    const seconds = waitSeconds(launch.loaded.definition.States[state.name], state.input) ?? 0;
    if (name === 'WaitCutoverTtl') trace.waitAfterSwitch = seconds;
    const entry = { at: this.since(), state: name, type: state.type, outcome: `waited ${seconds} s` };
    this.sandbox.clock.advance(seconds);
    this.log(entry);
  }

  /** A state left. */
  private exited(name: string, type: string): void {
    const { trace } = this;
    trace.exited.set(name, this.since());
    // A caught failure also exits the state: it stays FAILED, and its line is already printed.
    if (trace.outcome.get(name) === 'FAILED' && trace.caught.has(name)) return;
    if (type === 'Task') trace.outcome.set(name, 'SUCCEEDED');
    if (type === 'Task' || type === 'Map' || type === 'Succeed') {
      const outcome = type === 'Succeed' ? 'succeed' : (trace.notes.get(name) ?? 'ok');
      trace.notes.delete(name);
      this.log({ at: this.since(), state: name, type, outcome });
    }
  }

  /** A failure, retry or catch. */
  private failed(
    event: Extract<EventLog, { type: 'StateFailed' | 'StateRetried' | 'StateCaught' }>,
    name: string,
  ): void {
    const { trace } = this;
    const { type } = event.state;
    if (event.type === 'StateCaught') trace.caught.add(name);
    // Retries take no real time either; the clock moves by what Step Functions would wait.
    if (event.type === 'StateRetried') {
      this.sandbox.clock.advance(retryDelaySeconds(event.retry.retrier, event.retry.attempt));
      // A failure that is retried is not how the run ended: the report lists it as retried.
      if (trace.failure?.state === name) {
        trace.retried.push({ ...trace.failure, attempt: event.retry.attempt + 1 });
        trace.failure = null;
      }
    }
    if (event.type === 'StateFailed') {
      trace.outcome.set(name, 'FAILED');
      trace.failure ??= { state: name, error: String(event.Error), cause: String(event.Cause ?? '') };
    }
    const text =
      event.type === 'StateFailed'
        ? `failed: ${String(event.Error)}: ${String(event.Cause ?? '')}`
        : event.type === 'StateRetried'
          ? `retrying (attempt ${event.retry.attempt + 1})`
          : `caught, next: ${event.catch.catcher.Next}`;
    this.log({ at: this.since(), state: name, type, outcome: text });
  }
}
