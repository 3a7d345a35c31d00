import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isResourceKind, RESOURCE_KINDS } from '../kinds/index.ts';
import {
  type Crash,
  FAULT_KINDS,
  type Fault,
  type FaultKind,
  newSession,
  type RehearsalReport,
  rehearse,
  type Session,
} from '../local/runner.ts';
import type { WorldOptions } from '../sandbox/index.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { taskStates } from '../statemachines/definition.ts';
import { CommandFailed, EXIT, UsageError } from './exit.ts';
import { type Io, processIo } from './io.ts';
import { checkedPlan, readPlan, withTakeOver } from './plan-file.ts';
import {
  abortCommand,
  answerCommand,
  remotePlanCommand,
  remoteRollbackCommand,
  type StartOptions,
  type StatusOptions,
  startCommand,
  statusCommand,
} from './remote.ts';
import { planSummary, summary, timelineLine } from './render.ts';

export { CommandFailed, EXIT, UsageError };

function restoreKind(value: string): string {
  if (!isResourceKind(value)) {
    throw new InvalidArgumentError(`"${value}" is not a resource kind: use ${RESOURCE_KINDS.join(', ')}.`);
  }
  return value;
}

function parseFault(value: string, previous: Fault[]): Fault[] {
  const [state = '', kind = 'fail'] = value.split(':');
  if (!FAULT_KINDS.includes(kind as FaultKind)) {
    throw new InvalidArgumentError(
      `"${kind}" is not a fault kind: use ${FAULT_KINDS.join(', ')} (STATE[:KIND]).`,
    );
  }
  return [...previous, { state, kind: kind as FaultKind }];
}

const MOMENTS = ['before', 'after'] as const;

function parseCrash(value: string): Crash {
  const [state = '', at = 'after', times = '1'] = value.split(':');
  if (!MOMENTS.includes(at as Crash['at']) || !['1', '2'].includes(times)) {
    throw new InvalidArgumentError(
      `"${value}": use STATE[:before|after][:1|2], e.g. SwitchServices:after (dies once, the retry makes the change whole) or SwitchServices:after:2 (dies on both attempts, the rollback undoes it).`,
    );
  }
  return { state, at: at as Crash['at'], times: Number(times) };
}

export function exitCode(report: RehearsalReport): number {
  if (report.status === 'SUCCEEDED') return EXIT.SUCCEEDED;
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  if (report.status === 'LOCKED_OUT') return EXIT.BUSY;
  if (report.status === 'ROLLED_BACK' && report.worldRestored) return EXIT.ROLLED_BACK;
  return EXIT.OTHER;
}

/** The Task states this plan's run passes through: the ones a fault can hit. */
async function statesOnPath(plan: unknown): Promise<string[]> {
  const clean = await rehearse({ plan });
  if (clean.status === 'INVALID_PLAN') return taskStates();
  return clean.steps
    .filter((s) => s.status !== 'SKIPPED' && taskStates().includes(s.name))
    .map((s) => s.name);
}

/** Faults in the world a rehearsal starts from, as flags. */
interface WorldFlags {
  denyInvoke?: boolean;
  srpOnlyClient?: boolean;
  denyOldPoolAuth?: boolean;
  confidentialClients?: boolean;
  driftDns?: boolean;
}

function worldOptions(flags: WorldFlags): WorldOptions {
  return {
    ...(flags.denyInvoke ? { denyInvoke: true } : {}),
    ...(flags.srpOnlyClient ? { srpOnlyClient: true } : {}),
    ...(flags.denyOldPoolAuth ? { denyOldPoolAuth: true } : {}),
    ...(flags.confidentialClients ? { confidentialClients: true } : {}),
    ...(flags.driftDns ? { driftDns: true } : {}),
  };
}

/** The world an earlier command left in `dir` (`--state-dir`), or a new one from the plan. */
function openSession(plan: unknown, dir: string | undefined, flags: WorldFlags = {}): Session {
  return (dir ? loadSandbox(dir) : undefined) ?? newSession(plan, worldOptions(flags));
}

function closeSession(session: Session, dir: string | undefined): void {
  if (dir) saveSandbox(dir, session.sandbox, session.startingWorld);
}

interface RehearseOptions extends WorldFlags {
  plan?: string;
  stateDir?: string;
  fail: Fault[];
  abortAt?: string;
  timeoutAt?: string;
  autoRollback: boolean;
  rejectApproval?: boolean;
  failRestore?: string;
  approvalTimeout?: boolean;
  unhealthy?: boolean;
  failTrigger?: boolean;
  crash?: Crash;
  takeOverLock?: string;
  json?: boolean;
  listStates?: boolean;
}

async function rehearseCommand(options: RehearseOptions, io: Io): Promise<number> {
  if (options.listStates) {
    const states = options.plan ? await statesOnPath(readPlan(options.plan)) : taskStates();
    io.out(`${states.join('\n')}\n`);
    return EXIT.SUCCEEDED;
  }
  if (!options.plan)
    throw new UsageError('Missing --plan FILE: the plan to rehearse, e.g. examples/plan.json.');
  const plan = withTakeOver(readPlan(options.plan), options.takeOverLock);
  if (options.abortAt && options.timeoutAt)
    throw new UsageError('Give --abort-at or --timeout-at, not both.');
  const named = [
    ...options.fail.map((f) => ['--fail', f.state] as const),
    ...(options.abortAt ? [['--abort-at', options.abortAt] as const] : []),
    ...(options.timeoutAt ? [['--timeout-at', options.timeoutAt] as const] : []),
    ...(options.crash ? [['--crash', options.crash.state] as const] : []),
  ];
  if (named.length > 0) {
    const allowed = await statesOnPath(plan);
    // --fail may also name a Task state of the rollback execution, e.g. rollback/Restore.
    const rollbackStates = taskStates('rollback').map((state) => `rollback/${state}`);
    const unknown = named.filter(
      ([flag, state]) => !allowed.includes(state) && !(flag === '--fail' && rollbackStates.includes(state)),
    );
    if (unknown.length > 0) {
      throw new UsageError(
        `${unknown.map(([flag, state]) => `${flag} ${state}`).join(', ')}: not a Task state this plan runs. Choose one of: ${allowed.join(', ')}.`,
      );
    }
  }
  const stopState = options.abortAt ?? options.timeoutAt;
  if (!options.json)
    io.out(`Rehearsing ${options.plan} against the sandbox (no AWS calls leave this machine)\n\n`);
  const session = openSession(plan, options.stateDir, options);
  const report = await rehearse({
    plan,
    session,
    faults: options.fail,
    unhealthy: options.unhealthy ?? false,
    ...(stopState ? { stopAt: { state: stopState, kind: options.abortAt ? 'abort' : 'timeout' } } : {}),
    autoRollback: options.autoRollback,
    approval: options.rejectApproval ? 'reject' : options.approvalTimeout ? 'timeout' : 'approve',
    ...(options.failRestore ? { failRestore: options.failRestore } : {}),
    ...(options.failTrigger ? { failTrigger: true } : {}),
    ...(options.crash ? { crash: options.crash } : {}),
    ...(options.json ? {} : { onState: (entry) => io.out(`${timelineLine(entry)}\n`) }),
  });
  closeSession(session, options.stateDir);
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${summary(report)}\n`);
  return exitCode(report);
}

/** Exit 2 when any plan is invalid, after naming every bad field of each. */
function validateCommand(files: string[], io: Io): number {
  let bad = 0;
  for (const file of files) {
    if (checkedPlan(file, readPlan(file), io)) io.out(`${file}: valid\n`);
    else bad++;
  }
  return bad === 0 ? EXIT.SUCCEEDED : EXIT.USAGE;
}

/** Where a command that runs in the sandbox or on AWS runs: `--stage` means AWS. */
interface RemoteFlags {
  stage?: string;
  region?: string;
}

/** Flags that shape the sandbox make no sense against AWS: say so rather than ignore them. */
function sandboxOnly(options: object, flags: Record<string, string>): void {
  const given = Object.entries(flags)
    .filter(([key]) => (options as Record<string, unknown>)[key] !== undefined)
    .map(([, flag]) => flag);
  if (given.length > 0)
    throw new UsageError(
      `${given.join(', ')}: only for the sandbox (without --stage); AWS has its own world.`,
    );
}

function sandboxHasNoRegion(options: RemoteFlags): void {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
}

interface PlanOptions extends WorldFlags, RemoteFlags {
  plan?: string;
  json?: boolean;
}

/** The scheduled dry-run: rehearsed in the sandbox, or (`--stage`) run on the stage's state machine. */
async function planCommand(options: PlanOptions, io: Io): Promise<number> {
  if (options.stage) {
    sandboxOnly(options, {
      denyInvoke: '--deny-invoke',
      srpOnlyClient: '--srp-only-client',
      denyOldPoolAuth: '--deny-old-pool-auth',
      confidentialClients: '--confidential-clients',
      driftDns: '--drift-dns',
    });
    return remotePlanCommand({ ...options, stage: options.stage }, io);
  }
  sandboxHasNoRegion(options);
  if (!options.plan)
    throw new UsageError(
      'Give --plan FILE to rehearse the dry-run in the sandbox, or --stage STAGE to run it on AWS.',
    );
  const plan = readPlan(options.plan);
  const dryRun = plan && typeof plan === 'object' && !Array.isArray(plan) ? { ...plan, dryRun: true } : plan;
  const report = await rehearse({
    plan: dryRun,
    world: worldOptions(options),
  });
  const found = report.plan as { ok: boolean } | undefined;
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${planSummary(report)}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  if (report.status !== 'SUCCEEDED' || !found) return EXIT.OTHER;
  return found.ok ? EXIT.SUCCEEDED : EXIT.PLAN_PROBLEMS;
}

interface RollbackOptions extends RemoteFlags {
  plan?: string;
  migrationId: string;
  failRestore?: string;
  stateDir?: string;
  json?: boolean;
}

/** An operator's rollback of a whole migration: rehearsed in the sandbox, or (`--stage`) started on AWS. */
async function rollbackCommand(options: RollbackOptions, io: Io): Promise<number> {
  if (options.stage) {
    sandboxOnly(options, { plan: '--plan', failRestore: '--fail-restore', stateDir: '--state-dir' });
    return remoteRollbackCommand({ ...options, stage: options.stage }, io);
  }
  sandboxHasNoRegion(options);
  if (!options.plan)
    throw new UsageError(
      'Give --plan FILE to rehearse the rollback in the sandbox, or --stage STAGE to start it on AWS.',
    );
  const plan = readPlan(options.plan);
  const session = openSession(plan, options.stateDir);
  if (!options.json) io.out(`Rolling back ${options.migrationId} in the sandbox\n\n`);
  const report = await rehearse({
    plan,
    session,
    rollbackOf: options.migrationId,
    ...(options.failRestore ? { failRestore: options.failRestore } : {}),
    ...(options.json ? {} : { onState: (entry) => io.out(`${timelineLine(entry)}\n`) }),
  });
  closeSession(session, options.stateDir);
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${summary(report)}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  return report.status === 'ROLLED_BACK' && report.worldRestored ? EXIT.SUCCEEDED : EXIT.OTHER;
}

const REGION = 'AWS region of the stack (default: AWS_REGION, then AWS_DEFAULT_REGION)';
const ARN_EXAMPLE = 'arn:aws:states:eu-west-2:123456789012:execution:cognito-cutover-prod-cutover:NAME';

/** Words to lines of at most `width` characters, as commander wraps descriptions. */
function wrap(text: string, width = 80): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 1 <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

function help(exitCodes: string, ...examples: string[]): string {
  return `\n${wrap(`Exit codes: ${exitCodes}`)}\n\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}

/** The exit code of the command that ran, set by its action. */
export interface Outcome {
  code: number;
}

export function program(io: Io = processIo(), outcome: Outcome = { code: EXIT.SUCCEEDED }): Command {
  const done = (code: number) => {
    outcome.code = code;
  };
  const cli = new Command('cutover')
    .description(
      'Runs an Amazon Cognito user-pool cutover as a Step Functions runbook, and rehearses it locally.',
    )
    // Set before any .command(): subcommands copy the output, the exit override and the help hint.
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
On AWS (the stage's deployed state machines, cognito-cutover-<stage>-cutover and -rollback):
  start, status, approve, reject, abort, plan --stage, rollback --stage
On this machine (an in-process sandbox; no AWS account):
  rehearse, plan --plan, rollback --plan, validate

AWS credentials are found as the AWS CLI finds them (AWS_PROFILE, access keys, SSO), and
AWS_ENDPOINT_URL is honoured. The region is --region, else AWS_REGION, else AWS_DEFAULT_REGION;
an execution ARN carries its own.

Exit codes: 0 succeeded; 2 invalid plan or usage; 3 rolled back with everything restored;
4 anything else; 5 the dry-run found problems or drift; 6 a cutover of the same migration is
already running. Each command's --help says which of these it uses.

Examples:
  $ cutover rehearse --plan examples/plan.json
  $ cutover plan --stage prod --region eu-west-2
  $ cutover start --plan plans/prod.json --stage prod --region eu-west-2
  $ cutover status --stage prod --region eu-west-2 --watch
`,
    );
  cli
    .command('rehearse')
    .description('Rehearse a cutover plan end to end against an in-process AWS sandbox.')
    .option('--plan <file>', 'the cutover plan (JSON)')
    .option(
      '--fail <state[:kind]>',
      'make a Task state fail (kind: fail, timeout, throttle, uncatchable or function-timeout), rollback/STATE for the rollback execution; repeatable',
      parseFault,
      [],
    )
    .option('--unhealthy', 'every health check fails, so the health deadline triggers rollback')
    .option(
      '--abort-at <state>',
      'abort the execution as it enters this Task state; the rollback then starts by itself',
    )
    .option(
      '--timeout-at <state>',
      'time the execution out as it enters this Task state; the rollback then starts by itself',
    )
    .option('--no-auto-rollback', 'with --abort-at or --timeout-at: leave the world as the stop left it')
    .option('--reject-approval', 'operators answer the go/no-go with no-go (plans with approval.required)')
    .option('--approval-timeout', 'nobody answers the go/no-go within approval.timeoutSeconds')
    .option(
      '--fail-restore <kind>',
      `AWS refuses every restore of one resource kind (${RESOURCE_KINDS.join(', ')})`,
      restoreKind,
    )
    .option('--deny-invoke', 'the reference incident: Cognito may not invoke the migration function')
    .option('--srp-only-client', "the new pool's app client allows only SRP, so the trigger gets no password")
    .option(
      '--deny-old-pool-auth',
      "the migration function's role may not call AdminInitiateAuth on the old pool",
    )
    .option(
      '--confidential-clients',
      'both app clients have a secret: the trigger and the canary must send SECRET_HASH',
    )
    .option(
      '--fail-trigger',
      "after Preflight, the migration function's role loses AdminInitiateAuth on the old pool: only the canary sign-in can notice",
    )
    .option(
      '--crash <state[:moment][:times]>',
      "the state's function dies at its first change, before or after (default) AWS applies it, once (default; the retry makes it whole) or on both attempts (2; the rollback undoes it)",
      parseCrash,
    )
    .option(
      '--take-over-lock <executionArn>',
      'with --state-dir: take a stale lock over from this execution, as `start --take-over-lock` does',
    )
    .option('--state-dir <dir>', 'keep the sandboxed world, ledger included, in this folder between commands')
    .option('--json', 'print one JSON report instead of the timeline')
    .option('--list-states', 'list the Task states --fail accepts (for --plan, those its run passes through)')
    .addHelpText(
      'after',
      help(
        '0 succeeded; 2 invalid plan or usage; 3 rolled back with the world restored; 6 another execution holds the lock; 4 anything else.',
        'cutover rehearse --plan examples/plan.json --fail SwitchServices',
        'cutover rehearse --plan examples/plan.json --crash RestrictWrites:after:2',
      ),
    )
    .action(async (options: RehearseOptions) => done(await rehearseCommand(options, io)));
  cli
    .command('validate')
    .description('Check plans against the schema, naming every bad field; nothing runs.')
    .argument('<files...>', 'plan files (JSON)')
    .addHelpText(
      'after',
      help('0 every plan is valid; 2 a plan is invalid.', 'cutover validate plans/*.json'),
    )
    .action((files: string[]) => done(validateCommand(files, io)));
  cli
    .command('plan')
    .description(
      "The dry-run: what the cutover would change, what is wrong, and the expected write freeze. With --plan alone it is rehearsed in the sandbox; with --stage it runs on the stage's deployed cutover state machine, and the command waits (up to 15 minutes) for its report.",
    )
    .option(
      '--plan <file>',
      'the cutover plan (JSON); it runs as a dry-run whatever its dryRun says (with --stage, default plans/<stage>.json)',
    )
    .option('--stage <stage>', "run the dry-run on AWS, on this stage's cutover state machine")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option('--deny-invoke', 'sandbox only: Cognito may not invoke the migration function')
    .option('--srp-only-client', "sandbox only: the new pool's app client allows only SRP")
    .option(
      '--deny-old-pool-auth',
      "sandbox only: the migration function's role may not call AdminInitiateAuth on the old pool",
    )
    .option('--confidential-clients', 'sandbox only: both app clients have a secret')
    .option('--drift-dns', "sandbox only: the world's DNS record no longer holds the plan's dns.expected")
    .option('--json', 'print one JSON report')
    .addHelpText(
      'after',
      help(
        '0 the plan holds; 2 invalid plan or usage; 4 the dry-run failed (with --stage: or did not end within 15 minutes, or AWS refused); 5 problems or drift found.',
        'cutover plan --plan examples/plan.json',
        'cutover plan --stage prod --region eu-west-2',
      ),
    )
    .action(async (options: PlanOptions) => done(await planCommand(options, io)));
  cli
    .command('rollback')
    .description(
      "Restore everything a migration changed. With --plan it rehearses the rollback in the sandbox; with --stage it starts the stage's rollback state machine, which restores EVERY change of the migration not yet restored and releases the lock whoever holds it.",
    )
    .requiredOption('--migration-id <id>', "the migration to roll back (the plan's migrationId)")
    .option('--plan <file>', 'sandbox: the cutover plan (JSON); it names the region and the world')
    .option('--stage <stage>', "start the rollback on AWS, on this stage's rollback state machine")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option(
      '--fail-restore <kind>',
      `sandbox only: AWS refuses every restore of one resource kind (${RESOURCE_KINDS.join(', ')})`,
      restoreKind,
    )
    .option(
      '--state-dir <dir>',
      'sandbox only: the folder an earlier `rehearse --state-dir` left its world in',
    )
    .option('--json', 'print one JSON report (with --stage: the started execution)')
    .addHelpText(
      'after',
      help(
        'sandbox: 0 everything restored; 2 invalid plan or usage; 4 anything else. With --stage: 0 started; 2 usage; 4 AWS refused; 6 a cutover or rollback of this migration is running (abort the cutover instead: its rollback starts by itself).',
        'cutover rollback --plan examples/plan.json --migration-id tis-prod-pool-v1-to-v2 --state-dir .rehearsal',
        'cutover rollback --migration-id tis-prod-pool-v1-to-v2 --stage prod --region eu-west-2',
      ),
    )
    .action(async (options: RollbackOptions) => done(await rollbackCommand(options, io)));
  cli
    .command('start')
    .description(
      "Start the cutover on AWS: validate the plan here, refuse when a cutover of the same migration is running, then start the stage's cutover state machine with the plan as its input.",
    )
    .requiredOption('--plan <file>', 'the cutover plan (JSON), e.g. plans/prod.json')
    .requiredOption('--stage <stage>', 'the stage the stack was deployed as (serverless --stage)')
    .option('--region <region>', REGION)
    .option(
      '--take-over-lock <executionArn>',
      'take the lock over from this execution, which holds it and is no longer running (the LOCKED_OUT error names it); refused while it runs',
    )
    .option('--json', 'print the started execution as one JSON object')
    .addHelpText(
      'after',
      help(
        '0 started; 2 invalid plan or usage; 4 AWS refused (the message says what to fix); 6 a cutover of the same migration is already running.',
        'cutover start --plan plans/prod.json --stage prod --region eu-west-2',
        'cutover start --plan plans/prod.json --stage prod --take-over-lock arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-prod-cutover:tis-prod-pool-v1-to-v2-20260115T090000Z',
      ),
    )
    .action(async (options: StartOptions) => done(await startCommand(options, io)));
  cli
    .command('status')
    .description(
      "Where a deployed execution is: its timeline in the rehearsal's words, the current state and what comes next, progress through the runbook, the write-freeze timer, retries and caught failures, the go/no-go it waits for, and once it has ended the summary (with the rollback execution, if one ran).",
    )
    .argument(
      '[execution]',
      `an execution ARN (${ARN_EXAMPLE}), of a cutover or a rollback; without it, --stage picks the stage's running execution, else its newest`,
    )
    .option('--stage <stage>', 'without EXECUTION: the stage whose running (else newest) execution to show')
    .option('--rollback', "with --stage: the stage's rollback state machine instead of its cutover")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option('--watch', 'redraw every 5 s until the execution ends; the exit code is then how it ended')
    .option('--json', 'print the progress as one JSON object (with --watch, one line per redraw)')
    .addHelpText(
      'after',
      help(
        '0 running or succeeded; 2 usage; 3 rolled back with everything restored (a rollback execution that restored everything: 0); 4 failed, or timed out or aborted without a finished rollback, or the status could not be read; 5 a dry-run that found problems.',
        'cutover status --stage prod --region eu-west-2 --watch',
        `cutover status ${ARN_EXAMPLE} --json`,
      ),
    )
    .action(async (execution: string | undefined, options: StatusOptions) =>
      done(await statusCommand(execution, options, io)),
    );
  cli
    .command('approve')
    .description(
      'Answer the go/no-go (the AwaitApproval state, before the write freeze) with go: the cutover goes on and freezes writes.',
    )
    .argument('<execution>', `the waiting execution's ARN (${ARN_EXAMPLE})`)
    .option('--by <name>', 'who approves, recorded in the task output (default: your user name)')
    .addHelpText(
      'after',
      help(
        '0 approved; 2 usage; 4 the execution is not waiting for approval (the message says where it is), or AWS refused.',
        `cutover approve ${ARN_EXAMPLE}`,
      ),
    )
    .action(async (execution: string, options: { by?: string }) =>
      done(await answerCommand(execution, 'approve', options, io)),
    );
  cli
    .command('reject')
    .description(
      'Answer the go/no-go with no-go (error ApprovalRejected): the cutover undoes what it prepared and ends rolled back.',
    )
    .argument('<execution>', `the waiting execution's ARN (${ARN_EXAMPLE})`)
    .option('--reason <text>', 'why; it becomes the failure cause operators read (default: No-go)')
    .option('--by <name>', 'who rejects, recorded in the cause (default: your user name)')
    .addHelpText(
      'after',
      help(
        '0 rejected; 2 usage; 4 the execution is not waiting for approval, or AWS refused.',
        `cutover reject ${ARN_EXAMPLE} --reason 'Reval team not ready'`,
      ),
    )
    .action(async (execution: string, options: { reason?: string; by?: string }) =>
      done(await answerCommand(execution, 'reject', options, io)),
    );
  cli
    .command('abort')
    .description(
      "Stop a running cutover (StopExecution). No Catch runs on a stop: the stage's EventBridge rule starts the rollback by itself, which restores what the execution changed and releases the lock. Watch it with `cutover status --rollback --stage STAGE`.",
    )
    .argument('<execution>', `the running cutover's ARN (${ARN_EXAMPLE})`)
    .option('--reason <text>', 'why; recorded as the stop cause (default: who aborted it)')
    .addHelpText(
      'after',
      help(
        '0 stopped; 2 usage; 4 not running, a rollback (which this command never stops), or AWS refused.',
        `cutover abort ${ARN_EXAMPLE} --reason 'Reval errors after the switch'`,
      ),
    )
    .action(async (execution: string, options: { reason?: string }) =>
      done(await abortCommand(execution, options, io)),
    );
  return cli;
}

/** Runs `cutover` with `argv` (the arguments after the command name); resolves to the exit code. */
export async function run(argv: readonly string[], overrides: Partial<Io> = {}): Promise<number> {
  const io: Io = { ...processIo(), ...overrides };
  const outcome: Outcome = { code: EXIT.SUCCEEDED };
  try {
    await program(io, outcome).parseAsync([...argv], { from: 'user' });
    return outcome.code;
  } catch (error) {
    // Commander has printed its message; help is not an error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.SUCCEEDED : EXIT.USAGE;
    io.err(`cutover: ${(error as Error).message}\n`);
    if (error instanceof UsageError) return EXIT.USAGE;
    return error instanceof CommandFailed ? error.exitCode : EXIT.OTHER;
  }
}
