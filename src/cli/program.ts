import { Command, CommanderError } from 'commander';
import manifest from '../../package.json' with { type: 'json' };
import { RESOURCE_KINDS } from '../kinds/index.ts';
import { completionCommands } from './commands/completion.ts';
import { gainedCommands } from './commands/gained.ts';
import { localCommands, restoreKind } from './commands/local.ts';
import { migrateUserCommands } from './commands/migrate-user.ts';
import { progressCommands } from './commands/progress.ts';
import { remoteCommands } from './commands/remote.ts';
import { retireCommands } from './commands/retire.ts';
import { sweepCommands } from './commands/sweep.ts';
import { CommandFailed, EXIT, UsageError } from './exit.ts';
import { help, REGION } from './help.ts';
import { type Io, processIo } from './io.ts';
import type { LocalPlanOptions, LocalRollbackOptions } from './local.ts';
import { WORLD_FLAG_NAMES, worldFlagOptions } from './world-flags.ts';

export { CommandFailed, EXIT, UsageError };

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

interface PlanOptions extends LocalPlanOptions, RemoteFlags {}

/** The scheduled dry-run: rehearsed in the sandbox, or (`--stage`) run on the stage's state machine. */
async function planCommand(options: PlanOptions, io: Io): Promise<number> {
  if (options.stage) {
    sandboxOnly(options, WORLD_FLAG_NAMES);
    return (await import('./remote.ts')).remotePlanCommand({ ...options, stage: options.stage }, io);
  }
  sandboxHasNoRegion(options);
  return (await import('./local.ts')).rehearsePlan(options, io);
}

interface RollbackOptions extends LocalRollbackOptions, RemoteFlags {}

/** An operator's rollback of a whole migration: rehearsed in the sandbox, or (`--stage`) started on AWS. */
async function rollbackCommand(options: RollbackOptions, io: Io): Promise<number> {
  if (options.stage) {
    sandboxOnly(options, { plan: '--plan', failRestore: '--fail-restore', stateDir: '--state-dir' });
    return (await import('./remote.ts')).remoteRollbackCommand({ ...options, stage: options.stage }, io);
  }
  sandboxHasNoRegion(options);
  return (await import('./local.ts')).rehearseRollback(options, io);
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
    .version(manifest.version, '-V, --version', 'print the version of cognito-cutover')
    // One line and a hint, not the whole help: the command's --help has it.
    .showHelpAfterError('(add --help for the usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
On AWS (the stage's deployed state machines, cognito-cutover-<stage>-cutover and -rollback):
  start, status, approve, reject, abort, plan --stage, rollback --stage, gained --stage,
  migrate-user --stage, progress --stage, sweep --stage, retire --stage
On this machine (an in-process sandbox; no AWS account):
  rehearse, plan --plan, rollback --plan, gained --state-dir, migrate-user --plan,
  progress --plan, sweep --plan, retire --plan, validate, completion

AWS credentials are found as the AWS CLI finds them (AWS_PROFILE, access keys, SSO), and
AWS_ENDPOINT_URL is honoured. The region is --region, else AWS_REGION, else AWS_DEFAULT_REGION;
an execution ARN carries its own.

Exit codes: 0 succeeded; 2 invalid plan or usage; 3 rolled back with everything restored;
4 anything else; 5 the dry-run found problems or drift, or retire refused; 6 a cutover
of the same migration is already running. Each command's --help says which of these it uses.

Examples:
  $ cutover rehearse --plan examples/plan.json
  $ cutover plan --stage prod --region eu-west-2
  $ cutover start --plan plans/prod.json --stage prod --region eu-west-2
  $ cutover status --stage prod --region eu-west-2 --watch
`,
    );
  localCommands(cli, io, done);
  worldFlagOptions(
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
      .option('--region <region>', `with --stage: ${REGION}`),
    'sandbox only: ',
  )
    .option('--json', 'print one JSON report')
    .option('--full', 'print every changed value whole, not only what differs')
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
    .option(
      '--yes',
      'with --stage: start it without asking, for scripts (on a terminal it shows what it will do and asks)',
    )
    .option('--full', 'print every changed value whole, not only what differs')
    .addHelpText(
      'after',
      help(
        'sandbox: 0 everything restored; 2 invalid plan or usage; 4 anything else. With --stage: 0 started; 2 usage (or no terminal to ask and no --yes); 4 AWS refused, or not confirmed; 6 a cutover or rollback of this migration is running (abort the cutover instead: its rollback starts by itself).',
        'cutover rollback --plan examples/plan.json --migration-id tis-prod-pool-v1-to-v2 --state-dir .rehearsal',
        'cutover rollback --migration-id tis-prod-pool-v1-to-v2 --stage prod --region eu-west-2',
      ),
    )
    .action(async (options: RollbackOptions) => done(await rollbackCommand(options, io)));
  remoteCommands(cli, io, done);
  gainedCommands(cli, io, done);
  migrateUserCommands(cli, io, done);
  progressCommands(cli, io, done);
  sweepCommands(cli, io, done);
  retireCommands(cli, io, done);
  completionCommands(cli, io, done);
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
    // A script that asked for JSON gets JSON on every path: `status` and the `errors`, as a report would.
    const json = (status: string, errors: object[] = [{ message: (error as Error).message }]) => {
      if (argv.includes('--json')) io.out(`${JSON.stringify({ status, errors })}\n`);
    };
    // Commander has printed its message; help is not an error.
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.SUCCEEDED;
      json('USAGE_ERROR');
      return EXIT.USAGE;
    }
    io.err(`cutover: ${(error as Error).message}\n`);
    if (error instanceof UsageError) {
      json(error.status, error.errors);
      return EXIT.USAGE;
    }
    json('FAILED');
    return error instanceof CommandFailed ? error.exitCode : EXIT.OTHER;
  }
}
