import { type Command, InvalidArgumentError } from 'commander';
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
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { taskStates } from '../statemachines/definition.ts';
import { EXIT, UsageError } from './exit.ts';
import { help } from './help.ts';
import type { Io } from './io.ts';
import { checkedPlan, readPlan, withTakeOver } from './plan-file.ts';
import { planSummary, summary, timelineLine } from './render.ts';
import { type WorldFlags, worldFlagOptions, worldOptions } from './world-flags.ts';

// The commands that run on this machine only, against the in-process sandbox.

export function restoreKind(value: string): string {
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

/** The world an earlier command left in `dir` (`--state-dir`), or a new one from the plan. */
export function openSession(plan: unknown, dir: string | undefined, flags: WorldFlags = {}): Session {
  return (dir ? loadSandbox(dir) : undefined) ?? newSession(plan, worldOptions(flags));
}

export function closeSession(session: Session, dir: string | undefined): void {
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
  unhealthyInGrace?: boolean;
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
    unhealthy: options.unhealthyInGrace ? 'grace' : (options.unhealthy ?? false),
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
export function validateCommand(files: string[], io: Io): number {
  let bad = 0;
  for (const file of files) {
    if (checkedPlan(file, readPlan(file), io)) io.out(`${file}: valid\n`);
    else bad++;
  }
  return bad === 0 ? EXIT.SUCCEEDED : EXIT.USAGE;
}

export interface LocalPlanOptions extends WorldFlags {
  plan?: string;
  json?: boolean;
}

/** The scheduled dry-run, rehearsed in the sandbox. */
export async function rehearsePlan(options: LocalPlanOptions, io: Io): Promise<number> {
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
  const found = report.plan;
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${planSummary(report)}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  if (report.status !== 'SUCCEEDED' || !found) return EXIT.OTHER;
  return found.ok ? EXIT.SUCCEEDED : EXIT.PLAN_PROBLEMS;
}

export interface LocalRollbackOptions {
  plan?: string;
  migrationId: string;
  failRestore?: string;
  stateDir?: string;
  json?: boolean;
}

/** An operator's rollback of a whole migration, rehearsed in the sandbox. */
export async function rehearseRollback(options: LocalRollbackOptions, io: Io): Promise<number> {
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

/** `cutover rehearse` and `cutover validate`, on `cli`; `done` takes the exit code. */
export function localCommands(cli: Command, io: Io, done: (code: number) => void): void {
  worldFlagOptions(
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
        '--unhealthy-in-grace',
        'the health checks pass the gate, then fail once the grace window opens: its watch rolls back, restoring the old pool as sole issuer',
      )
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
      ),
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
}
