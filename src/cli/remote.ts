import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import { approvalDocumentName } from '../approval/document.ts';
import { signalApproval } from '../approval/signal.ts';
import { waitingApproval } from '../approval/waiting.ts';
import { dryRunReportSchema } from '../plan/dry-run.ts';
import { machine } from '../statemachines/definition.ts';
import { aboutToChange } from '../steps/request-approval.ts';
import { type PendingTask, type Progress, pendingTask, progressOf } from './execution.ts';
import { CommandFailed, EXIT, UsageError } from './exit.ts';
import type { Io } from './io.ts';
import { readPlan, validPlan, withTakeOver } from './plan-file.ts';
import { dryRunSummary, statusView } from './render.ts';
import {
  attempt,
  checkStage,
  consoleUrl,
  describeExecution,
  type ExecutionRef,
  executionHistory,
  executionName,
  explain,
  findMachine,
  isObject,
  listExecutions,
  type MachineKind,
  machineArnBeside,
  machineName,
  migrationOf,
  parseExecutionArn,
  parseJson,
  type RunningExecution,
  resolveRegion,
  runningFor,
  SERVICE,
  sendApproval,
  startExecution,
  stopExecution,
} from './stepfunctions.ts';
import { styleFor } from './style.ts';
import { clock } from './timeline.ts';

/** How often `--watch` redraws, and how often `plan --stage` asks whether the dry-run has ended. */
export const WATCH_INTERVAL_MS = 5_000;
export const PLAN_POLL_MS = 2_000;
/** A dry-run reads and reports: it ends within minutes, or something is wrong. */
export const PLAN_GIVE_UP_MS = 15 * 60_000;

interface Where {
  stage: string;
  region?: string;
}

function target(options: Where, io: Io) {
  return { stage: checkStage(options.stage), region: resolveRegion(options.region, io.env) };
}

const lines = (io: Io, ...text: string[]) => io.out(`${text.join('\n')}\n`);

function since(date: Date | undefined): string {
  return date ? `started ${date.toISOString().replace(/\.\d+Z$/, 'Z')}` : 'start time unknown';
}

function busy(what: string, migrationId: string, running: RunningExecution, advice: string[]): CommandFailed {
  return new CommandFailed(
    [
      `A ${what} of ${migrationId} is already running: ${running.executionArn} (${since(running.startDate)}).`,
      ...advice,
    ].join('\n'),
    EXIT.BUSY,
  );
}

const watchAdvice = (arn: string) => [
  `  Watch it: cutover status ${arn} --watch`,
  `  Abort it: cutover abort ${arn}  (the rollback then starts by itself)`,
];

function operator(io: Io): string {
  try {
    return io.env.USER || io.env.USERNAME || userInfo().username || 'an operator';
  } catch {
    return 'an operator';
  }
}

// ---- confirmation -----------------------------------------------------------------------------

/**
 * What a command is about to do, and a yes from the person at the terminal, as Terraform's apply
 * asks. A script says `--yes`; without it and without a terminal to ask, nothing is done.
 */
async function confirm(io: Io, yes: boolean | undefined, what: string[], command: string): Promise<void> {
  if (!yes && (!io.ask || !io.interactive)) {
    throw new UsageError(
      `${command} changes AWS and asks for confirmation, but there is no terminal to ask: add --yes to confirm from a script.`,
    );
  }
  // Said with --yes too: a script's log keeps what it did.
  io.err(`${what.join('\n')}\n`);
  if (yes || !io.ask) return;
  const answer = await io.ask('Type yes to go on: ');
  if (answer.trim().toLowerCase() !== 'yes') {
    throw new CommandFailed(`Cancelled (answered "${answer.trim()}"): nothing was done.`);
  }
}

// ---- start ------------------------------------------------------------------------------------

export interface StartOptions extends Where {
  plan: string;
  json?: boolean;
  /** The stale lock holder to take the lock over from, as the LOCKED_OUT error named it. */
  takeOverLock?: string;
  yes?: boolean;
}

/** Validates the plan here, refuses a second cutover of the same migration, then starts the stage's machine. */
export async function startCommand(options: StartOptions, io: Io): Promise<number> {
  // The execution's input is the plan; a take-over is asked for in it, where AcquireLock reads it.
  const raw = withTakeOver(readPlan(options.plan), options.takeOverLock);
  const plan = validPlan(options.plan, raw);
  const { stage, region } = target(options, io);
  if (plan.dryRun) {
    throw new UsageError(
      `${options.plan} is a dry-run (dryRun: true): run it with \`cutover plan --stage ${stage} --plan ${options.plan}\`, or set dryRun to false to cut over.`,
    );
  }
  const machine = await findMachine(region, stage, 'cutover');
  // The lock would stop a second cutover in AcquireLock too; refusing here names the one running.
  const [running] = await runningFor(region, machine, plan.migrationId);
  if (running) throw busy('cutover', plan.migrationId, running, watchAdvice(running.executionArn));
  await confirm(
    io,
    options.yes,
    [
      `This starts the cutover of ${plan.migrationId} on ${machineName(stage, 'cutover')} (${region}). It will:`,
      ...aboutToChange(plan).map((c) => `  - ${c}`),
      plan.approval.required
        ? `after asking for the go/no-go (${plan.approval.approvers.length > 0 ? `${plan.approval.minApprovals} of ${plan.approval.approvers.length} approver(s)` : 'cutover approve'}), before the write freeze.`
        : 'without a go/no-go: the plan does not set approval.required.',
    ],
    'cutover start',
  );
  const name = executionName(plan.migrationId, io.now());
  const started = await startExecution(region, machine, name, raw);
  const url = consoleUrl(region, started.executionArn);
  if (options.json) {
    io.out(
      `${JSON.stringify({
        executionArn: started.executionArn,
        name,
        stateMachineArn: machine,
        migrationId: plan.migrationId,
        startDate: started.startDate?.toISOString() ?? null,
        consoleUrl: url,
      })}\n`,
    );
    return EXIT.SUCCEEDED;
  }
  lines(
    io,
    `Started the cutover of ${plan.migrationId} on ${machineName(stage, 'cutover')} (${region}).`,
    `Execution  ${started.executionArn}`,
    `Console    ${url}`,
    `Next: cutover status ${started.executionArn} --watch`,
  );
  return EXIT.SUCCEEDED;
}

// ---- status -----------------------------------------------------------------------------------

export interface StatusOptions {
  stage?: string;
  region?: string;
  rollback?: boolean;
  json?: boolean;
  full?: boolean;
  watch?: boolean;
  /** With --watch: stop watching after this many seconds. */
  timeout?: number;
}

/** The stage's running execution, else its newest: the scheduled dry-run must not hide a cutover. */
async function newestExecution(options: StatusOptions, io: Io): Promise<string> {
  if (!options.stage) {
    throw new UsageError(
      'Give an execution ARN (`cutover status ARN`), or --stage STAGE for the newest execution of the stage.',
    );
  }
  const { stage, region } = target({ ...options, stage: options.stage }, io);
  const kind: MachineKind = options.rollback ? 'rollback' : 'cutover';
  const machine = await findMachine(region, stage, kind);
  const [running] = await listExecutions(region, machine, { status: 'RUNNING', max: 1 });
  const [newest] = running ? [running] : await listExecutions(region, machine, { max: 1 });
  if (!newest?.executionArn) {
    throw new CommandFailed(
      kind === 'cutover'
        ? `${machineName(stage, kind)} has no executions in ${region} yet: start one with \`cutover start --plan FILE --stage ${stage}\` or \`cutover plan --stage ${stage}\`.`
        : `${machineName(stage, kind)} has no executions in ${region}: no rollback has run on this stage.`,
    );
  }
  return newest.executionArn;
}

/** The rollback the EventBridge rule started for a stopped cutover: its input names the cutover. */
async function rollbackAfterStop(
  ref: ExecutionRef,
  execution: DescribeExecutionOutput,
): Promise<DescribeExecutionOutput | undefined> {
  try {
    const rollbacks = await listExecutions(ref.region, machineArnBeside(ref, 'rollback'), { max: 20 });
    const stopped = execution.stopDate ? new Date(execution.stopDate).getTime() : 0;
    for (const item of rollbacks) {
      if (!item.executionArn || (item.startDate && new Date(item.startDate).getTime() < stopped - 60_000))
        continue;
      const candidate = await describeExecution(item.executionArn);
      const input = parseJson(candidate.input) as { cutoverEvent?: { detail?: { executionArn?: string } } };
      if (input?.cutoverEvent?.detail?.executionArn === ref.arn) return candidate;
    }
  } catch {
    // Not finding it is said in the output, with the command that finds it.
  }
  return undefined;
}

export async function readProgress(executionArn: string, now: Date): Promise<Progress> {
  const ref = parseExecutionArn(executionArn);
  const [execution, events] = await Promise.all([
    describeExecution(executionArn),
    executionHistory(executionArn),
  ]);
  const stopped = execution.status === 'TIMED_OUT' || execution.status === 'ABORTED';
  const stopRollback =
    ref.kind === 'cutover' && stopped && !migrationOf(parseJson(execution.input)).dryRun
      ? await rollbackAfterStop(ref, execution)
      : undefined;
  return progressOf({ execution, events, now, stopRollback });
}

/** The rehearsal's exit codes for how the execution ended; 0 while it runs. */
export function statusExit(p: Progress): number {
  switch (p.outcome) {
    case 'RUNNING':
      return EXIT.SUCCEEDED;
    case 'SUCCEEDED':
      return p.report && !p.report.ok ? EXIT.PLAN_PROBLEMS : EXIT.SUCCEEDED;
    case 'ROLLED_BACK':
      return p.machine === 'rollback' ? EXIT.SUCCEEDED : EXIT.ROLLED_BACK;
    case 'TIMED_OUT':
    case 'ABORTED':
      return p.rollback?.status === 'SUCCEEDED' ? EXIT.ROLLED_BACK : EXIT.OTHER;
    default:
      return EXIT.OTHER;
  }
}

export async function statusCommand(
  execution: string | undefined,
  options: StatusOptions,
  io: Io,
): Promise<number> {
  if (execution && (options.stage || options.rollback)) {
    throw new UsageError(
      'Give an execution ARN or --stage (with --rollback for the rollback machine), not both.',
    );
  }
  const arn = execution ?? (await newestExecution(options, io));
  parseExecutionArn(arn);
  const limit = options.timeout === undefined ? undefined : options.timeout * 1000;
  let watched = 0;
  let failures = 0;
  for (;;) {
    let progress: Progress;
    try {
      progress = await readProgress(arn, io.now());
      failures = 0;
    } catch (error) {
      // A watch outlives a throttle, a dropped network or an SSO session that expired: it says so,
      // waits longer each time, and reads again; the operator refreshes credentials meanwhile.
      if (!options.watch || !passing(error)) throw error;
      failures += 1;
      const wait = Math.min(WATCH_INTERVAL_MS * 2 ** failures, MAX_BACKOFF_MS);
      io.err(`cutover: ${(error as Error).message}\n  Still watching: reading again in ${wait / 1000} s.\n`);
      if (limit !== undefined && watched + wait > limit) return watchTimedOut(arn, options, io);
      await io.sleep(wait);
      watched += wait;
      continue;
    }
    if (options.json) io.out(`${JSON.stringify(progress)}\n`);
    else {
      // Redraw in place on a terminal; a log or a pipe gets each poll after the last.
      if (options.watch && io.interactive) io.out('\x1b[2J\x1b[H');
      io.out(
        `${statusView(progress, { full: options.full ?? false, style: styleFor(io), width: io.columns })}\n`,
      );
    }
    if (!options.watch || progress.status !== 'RUNNING') return statusExit(progress);
    if (limit !== undefined && watched + WATCH_INTERVAL_MS > limit) return watchTimedOut(arn, options, io);
    await io.sleep(WATCH_INTERVAL_MS);
    watched += WATCH_INTERVAL_MS;
    if (!options.json && !io.interactive) io.out('\n');
  }
}

/** The longest a watch waits between reads that failed. */
const MAX_BACKOFF_MS = 60_000;

/** What passes if one waits: throttling, the network, AWS briefly failing, credentials to refresh. */
function passing(error: unknown): boolean {
  const cause = (error as { cause?: { name?: string; code?: string; $retryable?: unknown } }).cause;
  return (
    cause !== undefined &&
    (cause.$retryable !== undefined ||
      /Throttl|Expired|RequestExpired|TimeoutError|ServiceUnavailable|InternalServerError|InternalFailure/.test(
        cause.name ?? '',
      ) ||
      /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|EHOSTUNREACH)$/.test(cause.code ?? ''))
  );
}

function watchTimedOut(arn: string, options: StatusOptions, io: Io): number {
  io.err(
    `cutover: stopped watching after --timeout ${options.timeout} s; the execution goes on. Watch it again: cutover status ${arn} --watch\n`,
  );
  return EXIT.OTHER;
}

// ---- approve / reject -------------------------------------------------------------------------

export interface AnswerOptions {
  reason?: string;
  by?: string;
}

async function notWaiting(
  executionArn: string,
  io: Io,
  events: Awaited<ReturnType<typeof executionHistory>>,
) {
  const execution = await describeExecution(executionArn);
  const p = progressOf({ execution, events, now: io.now() });
  const where =
    p.outcome === 'RUNNING'
      ? `it is RUNNING in ${p.current?.state ?? 'a transition'}${p.current ? ` (for ${clock(p.current.seconds)})` : ''}`
      : `it has ended: ${p.outcome}`;
  const answered = p.timeline.some((t) => t.state === 'AwaitApproval');
  const advice =
    p.outcome !== 'RUNNING'
      ? `See \`cutover status ${executionArn}\`.`
      : answered
        ? 'Its go/no-go has been answered already.'
        : `It asks in AwaitApproval, before the write freeze, when the plan sets approval.required: follow it with \`cutover status ${executionArn} --watch\`.`;
  return new CommandFailed(`${executionArn} is not waiting for approval: ${where}. ${advice}`);
}

/**
 * With approvers in the plan the go/no-go waits in Systems Manager Automation (src/approval/): the
 * answer goes there, as the caller, exactly as the console's Approve/Deny sends it, so the quorum
 * and the list of approvers hold whichever way an approver answers.
 */
async function answerInSystemsManager(
  executionArn: string,
  answer: 'approve' | 'reject',
  task: PendingTask,
  options: AnswerOptions & { by: string },
  io: Io,
): Promise<number> {
  const ref = parseExecutionArn(executionArn);
  const document = approvalDocumentName(SERVICE, ref.stage);
  const call = {
    what: `finding the go/no-go of ${ref.name} in Systems Manager Automation`,
    action: 'ssm:DescribeAutomationExecutions',
    resource: '*',
    region: ref.region,
    service: 'Systems Manager',
  };
  const waiting = await attempt(call, () => waitingApproval(ref.region, document, executionArn));
  if (!waiting) {
    throw new CommandFailed(
      `${executionArn} waits in ${task.state}, but no approval of it waits in Systems Manager Automation (${document}): it was answered or cancelled a moment ago. Run \`cutover status ${executionArn}\` to see where it is.`,
    );
  }
  const comment =
    answer === 'approve'
      ? `Approved by ${options.by}`
      : `${options.reason ?? 'No-go'} (rejected by ${options.by})`;
  try {
    await signalApproval(
      ref.region,
      waiting.automationExecutionId,
      answer === 'approve' ? 'Approve' : 'Reject',
      comment,
    );
  } catch (error) {
    if (
      (error as Error).cause instanceof Error &&
      ((error as Error).cause as Error).name === 'InvalidAutomationSignalException'
    ) {
      throw new CommandFailed(
        `Systems Manager refused the answer: ${((error as Error).cause as Error).message}\nOnly the approvers the plan names may answer, once each: ${waiting.approvers.join(', ')}. Run as one of them (AWS_PROFILE), or ask one to answer in the console: ${waiting.consoleUrl}`,
      );
    }
    throw explain(error, {
      ...call,
      what: `answering the go/no-go of ${ref.name}`,
      action: 'ssm:SendAutomationSignal',
      resource: `automation-execution/${waiting.automationExecutionId}`,
    });
  }
  const quorum = `${waiting.minApprovals} of the ${waiting.approvers.length} approver(s) must approve`;
  lines(
    io,
    answer === 'approve'
      ? `Approved the go/no-go of ${ref.name} in Systems Manager Automation ${waiting.automationExecutionId}.`
      : `No-go for ${ref.name} sent to Systems Manager Automation ${waiting.automationExecutionId}: ${comment}.`,
    answer === 'approve'
      ? `${quorum}; once they have, the cutover freezes writes.`
      : 'The cutover undoes what it prepared (a lowered TTL), tells users and operators, and ends ROLLED_BACK.',
    `The approval in the console: ${waiting.consoleUrl}`,
    `Next: cutover status ${executionArn} --watch`,
  );
  return EXIT.SUCCEEDED;
}

export async function answerCommand(
  executionArn: string,
  answer: 'approve' | 'reject',
  options: AnswerOptions,
  io: Io,
): Promise<number> {
  const ref = parseExecutionArn(executionArn);
  const events = await executionHistory(executionArn);
  const task = pendingTask(events, ref.kind);
  if (!task) throw await notWaiting(executionArn, io, events);
  const by = options.by ?? operator(io);
  if (task.approvers.length > 0)
    return answerInSystemsManager(executionArn, answer, task, { ...options, by }, io);
  if (answer === 'approve') {
    await sendApproval(executionArn, task.taskToken, { approved: true, by });
    const next = machine(ref.kind).definition.States[task.state]?.Next;
    lines(
      io,
      `Approved ${task.state} of ${ref.name} as ${by}.`,
      `It goes on to ${next ?? 'its next state'}${next === 'RestrictWrites' ? ': writes freeze now' : ''}.`,
      `Next: cutover status ${executionArn} --watch`,
    );
  } else {
    const cause = `${options.reason ?? 'No-go'} (rejected by ${by})`;
    await sendApproval(executionArn, task.taskToken, { approved: false, error: 'ApprovalRejected', cause });
    lines(
      io,
      `Rejected ${task.state} of ${ref.name}: ApprovalRejected: ${cause}.`,
      'The cutover undoes what it prepared (a lowered TTL), tells users and operators, and ends ROLLED_BACK.',
      `Next: cutover status ${executionArn} --watch`,
    );
  }
  return EXIT.SUCCEEDED;
}

// ---- abort ------------------------------------------------------------------------------------

export async function abortCommand(
  executionArn: string,
  options: { reason?: string; yes?: boolean },
  io: Io,
) {
  const ref = parseExecutionArn(executionArn);
  if (ref.kind === 'rollback') {
    throw new CommandFailed(
      `${executionArn} is a rollback: stopping it would leave changes half-restored, and nothing would start it again. Let it finish (cutover status ${executionArn} --watch); once it has ended, \`cutover rollback --migration-id ID --stage ${ref.stage}\` restores whatever remains.`,
    );
  }
  const progress = await readProgress(executionArn, io.now());
  if (progress.status !== 'RUNNING') {
    throw new CommandFailed(
      `${executionArn} is not running: it ended ${progress.status}. See \`cutover status ${executionArn}\`.`,
    );
  }
  // Off the forward path a running cutover is in its Rollback state: a stop would cut that short.
  if (progress.progress.offPath) {
    throw new CommandFailed(
      `${executionArn} is already rolling back (in ${progress.progress.offPath}, after ${progress.failure?.error ?? 'a failure'} in ${progress.failure?.state ?? progress.progress.lastOnPath}): stopping it now would stop the rollback half-way. Let it finish: cutover status ${executionArn} --watch`,
    );
  }
  const { migrationId, dryRun } = progress;
  await confirm(
    io,
    options.yes,
    [
      `This stops ${ref.name}${migrationId ? ` (${migrationId})` : ''}, now in ${progress.current?.state ?? 'a transition'}.`,
      dryRun
        ? 'It is a dry-run: nothing to restore.'
        : 'The rollback then starts by itself and restores what it changed, newest first.',
    ],
    'cutover abort',
  );
  const reason = options.reason ?? `Aborted by ${operator(io)} with cutover abort`;
  await stopExecution(executionArn, 'CutoverAborted', reason);
  const watch = `cutover status --rollback --stage ${ref.stage} --region ${ref.region} --watch`;
  lines(
    io,
    `Aborted ${ref.name}${migrationId ? ` (${migrationId})` : ''}: ${reason}.`,
    ...(dryRun
      ? ['It was a dry-run: it changed nothing.']
      : [
          'No Catch runs on an abort: the EventBridge rule RollbackWhenCutoverStops starts the rollback by itself. It restores what this execution changed, newest first, tells users and operators, and releases the lock.',
          `Watch the rollback: ${watch}`,
          `  (or cutover status ${executionArn}, which names the rollback execution once it has started)`,
        ]),
  );
  return EXIT.SUCCEEDED;
}

// ---- rollback ---------------------------------------------------------------------------------

export interface RemoteRollbackOptions extends Where {
  migrationId: string;
  json?: boolean;
  yes?: boolean;
}

/** An operator's rollback of a whole migration, on the stage's rollback machine. */
export async function remoteRollbackCommand(options: RemoteRollbackOptions, io: Io): Promise<number> {
  const id = options.migrationId;
  if (!/^[a-zA-Z0-9][\w-]{0,79}$/.test(id))
    throw new UsageError(
      `"${id}" is not a migrationId: use the plan's migrationId, e.g. tis-prod-pool-v1-to-v2.`,
    );
  const { stage, region } = target(options, io);
  const cutover = await findMachine(region, stage, 'cutover');
  const rollback = await findMachine(region, stage, 'rollback');
  // Restoring under a running cutover would race it; aborting it rolls back its own changes.
  const [runningCutover] = await runningFor(region, cutover, id);
  if (runningCutover) {
    throw busy('cutover', id, runningCutover, [
      `  Abort it instead: cutover abort ${runningCutover.executionArn}`,
      '  (its rollback then starts by itself and restores what it changed)',
    ]);
  }
  const [runningRollback] = await runningFor(region, rollback, id);
  if (runningRollback) {
    throw busy('rollback', id, runningRollback, [
      `  Follow it: cutover status ${runningRollback.executionArn} --watch`,
    ]);
  }
  await confirm(
    io,
    options.yes,
    [
      `This starts the rollback of ${id} on ${machineName(stage, 'rollback')} (${region}).`,
      `It restores EVERY change of ${id} that is not yet restored, whichever execution made it, and releases the migration lock whoever holds it.`,
    ],
    'cutover rollback --stage',
  );
  const name = executionName(`${id}-rollback`, io.now());
  const started = await startExecution(region, rollback, name, { migrationId: id, region });
  const url = consoleUrl(region, started.executionArn);
  if (options.json) {
    io.out(
      `${JSON.stringify({ executionArn: started.executionArn, name, stateMachineArn: rollback, migrationId: id, consoleUrl: url })}\n`,
    );
    return EXIT.SUCCEEDED;
  }
  lines(
    io,
    `Started the rollback of ${id} on ${machineName(stage, 'rollback')} (${region}).`,
    `Execution  ${started.executionArn}`,
    `Console    ${url}`,
    `Next: cutover status ${started.executionArn} --watch`,
  );
  return EXIT.SUCCEEDED;
}

// ---- plan (the dry-run on AWS) ----------------------------------------------------------------

export interface RemotePlanOptions extends Where {
  plan?: string;
  json?: boolean;
}

export async function remotePlanCommand(options: RemotePlanOptions, io: Io): Promise<number> {
  const stage = checkStage(options.stage);
  const file = options.plan ?? `plans/${stage}.json`;
  if (!options.plan && !existsSync(file)) {
    throw new UsageError(
      `No plan for stage ${stage}: ${file} does not exist. Pass --plan FILE, or add the stage's plan (cp examples/plan.json ${file}).`,
    );
  }
  const raw = readPlan(file);
  const plan = validPlan(file, raw);
  const { region } = target(options, io);
  const machine = await findMachine(region, stage, 'cutover');
  const name = executionName(`${plan.migrationId}-dryrun`, io.now());
  // The schedule's input shape: the state machine runs the plan as a dry-run whatever its dryRun says.
  const started = await startExecution(region, machine, name, { dryRunOf: raw });
  const arn = started.executionArn;
  if (!options.json) {
    lines(
      io,
      `Dry-run of ${plan.migrationId} (${file}) started on ${machineName(stage, 'cutover')} (${region}).`,
      `Execution  ${arn}`,
      `Console    ${consoleUrl(region, arn)}`,
      'Waiting for it to end (up to 15 minutes)...',
      '',
    );
  }
  let execution = await describeExecution(arn);
  for (let waited = 0; execution.status === 'RUNNING'; waited += PLAN_POLL_MS) {
    if (waited >= PLAN_GIVE_UP_MS) {
      throw new CommandFailed(
        `The dry-run is still running after 15 minutes; it goes on without this command. Follow it: cutover status ${arn} --watch`,
      );
    }
    await io.sleep(PLAN_POLL_MS);
    execution = await describeExecution(arn);
  }
  const output = parseJson(execution.output);
  const parsed = dryRunReportSchema.safeParse(isObject(output) ? output.report : undefined);
  const report = parsed.success ? parsed.data : undefined;
  if (execution.status === 'SUCCEEDED' && report) {
    if (options.json) io.out(`${JSON.stringify({ executionArn: arn, status: execution.status, report })}\n`);
    else lines(io, dryRunSummary(plan.migrationId, report));
    return report.ok ? EXIT.SUCCEEDED : EXIT.PLAN_PROBLEMS;
  }
  const progress = progressOf({ execution, events: await executionHistory(arn), now: io.now() });
  if (options.json) io.out(`${JSON.stringify({ executionArn: arn, status: execution.status, progress })}\n`);
  else lines(io, statusView(progress));
  return EXIT.OTHER;
}
