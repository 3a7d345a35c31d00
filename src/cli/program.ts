import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  type Fault,
  type FaultKind,
  newSession,
  RESTORE_COMMANDS,
  type RehearsalReport,
  rehearse,
  type Session,
  taskStates,
} from '../local/runner.ts';
import { planIssues, planSchema } from '../plan/schema.ts';
import type { WorldOptions } from '../sandbox/index.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { planSummary, summary, timelineLine } from './render.ts';

/** Exit codes scripts rely on. */
export const EXIT = { SUCCEEDED: 0, USAGE: 2, ROLLED_BACK: 3, OTHER: 4, PLAN_PROBLEMS: 5 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function readPlan(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read plan ${file}: ${(error as Error).message}. Pass --plan with a path to a JSON plan.`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Plan ${file} is not valid JSON: ${(error as Error).message}. Fix the JSON, then run again.`,
    );
  }
}

const KINDS: FaultKind[] = ['fail', 'timeout', 'throttle'];

function restoreKind(value: string): string {
  if (!(value in RESTORE_COMMANDS)) {
    throw new InvalidArgumentError(
      `"${value}" is not a resource kind: use ${Object.keys(RESTORE_COMMANDS).join(', ')}.`,
    );
  }
  return value;
}

function parseFault(value: string, previous: Fault[]): Fault[] {
  const [state = '', kind = 'fail'] = value.split(':');
  if (!KINDS.includes(kind as FaultKind)) {
    throw new InvalidArgumentError(`"${kind}" is not a fault kind: use ${KINDS.join(', ')} (STATE[:KIND]).`);
  }
  return [...previous, { state, kind: kind as FaultKind }];
}

export function exitCode(report: RehearsalReport): number {
  if (report.status === 'SUCCEEDED') return EXIT.SUCCEEDED;
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
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
  driftDns?: boolean;
}

function worldOptions(flags: WorldFlags): WorldOptions {
  return {
    ...(flags.denyInvoke ? { denyInvoke: true } : {}),
    ...(flags.srpOnlyClient ? { srpOnlyClient: true } : {}),
    ...(flags.denyOldPoolAuth ? { denyOldPoolAuth: true } : {}),
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
  json?: boolean;
  listStates?: boolean;
}

async function rehearseCommand(options: RehearseOptions): Promise<number> {
  if (options.listStates) {
    const states = options.plan ? await statesOnPath(readPlan(options.plan)) : taskStates();
    process.stdout.write(`${states.join('\n')}\n`);
    return EXIT.SUCCEEDED;
  }
  if (!options.plan)
    throw new UsageError('Missing --plan FILE: the plan to rehearse, e.g. examples/plan.json.');
  const plan = readPlan(options.plan);
  if (options.abortAt && options.timeoutAt)
    throw new UsageError('Give --abort-at or --timeout-at, not both.');
  const named = [
    ...options.fail.map((f) => ['--fail', f.state] as const),
    ...(options.abortAt ? [['--abort-at', options.abortAt] as const] : []),
    ...(options.timeoutAt ? [['--timeout-at', options.timeoutAt] as const] : []),
  ];
  if (named.length > 0) {
    const allowed = await statesOnPath(plan);
    const unknown = named.filter(([, state]) => !allowed.includes(state));
    if (unknown.length > 0) {
      throw new UsageError(
        `${unknown.map(([flag, state]) => `${flag} ${state}`).join(', ')}: not a Task state this plan runs. Choose one of: ${allowed.join(', ')}.`,
      );
    }
  }
  const stopState = options.abortAt ?? options.timeoutAt;
  if (!options.json)
    process.stdout.write(
      `Rehearsing ${options.plan} against the sandbox (no AWS calls leave this machine)\n\n`,
    );
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
    ...(options.json ? {} : { onState: (entry) => process.stdout.write(`${timelineLine(entry)}\n`) }),
  });
  closeSession(session, options.stateDir);
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${summary(report)}\n`);
  return exitCode(report);
}

/** Exit 2 when any plan is invalid, after naming every bad field of each. */
function validateCommand(files: string[]): number {
  let bad = 0;
  for (const file of files) {
    const result = planSchema.safeParse(readPlan(file));
    if (result.success) {
      process.stdout.write(`${file}: valid\n`);
      continue;
    }
    bad++;
    for (const issue of planIssues(result.error))
      process.stderr.write(`${file}: ${issue.path}: ${issue.message}\n`);
  }
  return bad === 0 ? EXIT.SUCCEEDED : EXIT.USAGE;
}

interface PlanOptions extends WorldFlags {
  plan: string;
  json?: boolean;
}

/** Rehearses the scheduled dry-run: the plan as a dry-run, read-only, ending in its report. */
async function planCommand(options: PlanOptions): Promise<number> {
  const plan = readPlan(options.plan);
  const dryRun = plan && typeof plan === 'object' && !Array.isArray(plan) ? { ...plan, dryRun: true } : plan;
  const report = await rehearse({
    plan: dryRun,
    world: worldOptions(options),
  });
  const found = report.plan as { ok: boolean } | undefined;
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${planSummary(report)}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  if (report.status !== 'SUCCEEDED' || !found) return EXIT.OTHER;
  return found.ok ? EXIT.SUCCEEDED : EXIT.PLAN_PROBLEMS;
}

interface RollbackOptions {
  plan: string;
  migrationId: string;
  failRestore?: string;
  stateDir?: string;
  json?: boolean;
}

/** Rehearses the rollback execution an operator starts for a whole migration. */
async function rollbackCommand(options: RollbackOptions): Promise<number> {
  const plan = readPlan(options.plan);
  const session = openSession(plan, options.stateDir);
  if (!options.json) process.stdout.write(`Rolling back ${options.migrationId} in the sandbox\n\n`);
  const report = await rehearse({
    plan,
    session,
    rollbackOf: options.migrationId,
    ...(options.failRestore ? { failRestore: options.failRestore } : {}),
    ...(options.json ? {} : { onState: (entry) => process.stdout.write(`${timelineLine(entry)}\n`) }),
  });
  closeSession(session, options.stateDir);
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${summary(report)}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  return report.status === 'ROLLED_BACK' && report.worldRestored ? EXIT.SUCCEEDED : EXIT.OTHER;
}

export function program(): Command {
  const cli = new Command('cutover')
    .description(
      'Runs an Amazon Cognito user-pool cutover as a Step Functions runbook, and rehearses it locally.',
    )
    .showHelpAfterError()
    .exitOverride();
  cli
    .command('rehearse')
    .description('Rehearse a cutover plan end to end against an in-process AWS sandbox.')
    .option('--plan <file>', 'the cutover plan (JSON)')
    .option(
      '--fail <state[:kind]>',
      'make a Task state fail (kind: fail, timeout or throttle); repeatable',
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
      `AWS refuses every restore of one resource kind (${Object.keys(RESTORE_COMMANDS).join(', ')})`,
      restoreKind,
    )
    .option('--deny-invoke', 'the reference incident: Cognito may not invoke the migration function')
    .option('--srp-only-client', "the new pool's app client allows only SRP, so the trigger gets no password")
    .option(
      '--deny-old-pool-auth',
      "the migration function's role may not call AdminInitiateAuth on the old pool",
    )
    .option(
      '--fail-trigger',
      "after Preflight, the migration function's role loses AdminInitiateAuth on the old pool: only the canary sign-in can notice",
    )
    .option('--state-dir <dir>', 'keep the sandboxed world, ledger included, in this folder between commands')
    .option('--json', 'print one JSON report instead of the timeline')
    .option('--list-states', 'list the Task states --fail accepts (for --plan, those its run passes through)')
    .addHelpText(
      'after',
      '\nExit codes: 0 succeeded; 2 invalid plan or usage; 3 rolled back with the world restored; 4 anything else.',
    )
    .exitOverride()
    .action(async (options: RehearseOptions) => {
      process.exitCode = await rehearseCommand(options);
    });
  cli
    .command('validate')
    .description('Check plans against the schema, naming every bad field; nothing runs.')
    .argument('<files...>', 'plan files (JSON)')
    .exitOverride()
    .action((files: string[]) => {
      process.exitCode = validateCommand(files);
    });
  cli
    .command('plan')
    .description(
      'Rehearse the dry-run: what the cutover would change, what is wrong, and the expected write freeze.',
    )
    .requiredOption('--plan <file>', 'the cutover plan (JSON); it runs as a dry-run whatever its dryRun says')
    .option('--deny-invoke', 'the reference incident: Cognito may not invoke the migration function')
    .option('--srp-only-client', "the new pool's app client allows only SRP, so the trigger gets no password")
    .option(
      '--deny-old-pool-auth',
      "the migration function's role may not call AdminInitiateAuth on the old pool",
    )
    .option('--drift-dns', "the world's DNS record no longer holds the plan's dns.expected")
    .option('--json', 'print one JSON report')
    .addHelpText(
      'after',
      '\nExit codes: 0 the plan holds; 2 invalid plan or usage; 4 the dry-run failed; 5 problems or drift found.',
    )
    .exitOverride()
    .action(async (options: PlanOptions) => {
      process.exitCode = await planCommand(options);
    });
  cli
    .command('rollback')
    .description(
      'Rehearse the rollback execution an operator starts: restore everything a migration changed.',
    )
    .requiredOption('--plan <file>', 'the cutover plan (JSON); it names the region and the world')
    .requiredOption('--migration-id <id>', 'the migration to roll back')
    .option(
      '--fail-restore <kind>',
      `AWS refuses every restore of one resource kind (${Object.keys(RESTORE_COMMANDS).join(', ')})`,
      restoreKind,
    )
    .option('--state-dir <dir>', 'the folder an earlier `rehearse --state-dir` left its world in')
    .option('--json', 'print one JSON report instead of the timeline')
    .addHelpText('after', '\nExit codes: 0 everything restored; 2 invalid plan or usage; 4 anything else.')
    .exitOverride()
    .action(async (options: RollbackOptions) => {
      process.exitCode = await rollbackCommand(options);
    });
  return cli;
}
