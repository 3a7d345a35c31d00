import { type Command, InvalidArgumentError } from 'commander';
import { help, REGION } from '../help.ts';
import type { Io } from '../io.ts';
import type { SweepOptions } from '../sweep.ts';

/** `cutover sweep`, on `cli`; `done` takes the exit code. */
function userCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 2_000_000)
    throw new InvalidArgumentError(`"${value}" is not a number of users from 1 to 2000000.`);
  return n;
}

export function sweepCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('sweep')
    .description(
      "Finishes the migration: moves every user still only in the old pool into the new one (the trigger's attributes, old sub and groups; their password to reset at next sign-in), at the plan's quotas.createUsersPerSecond, on the stage's sweep state machine (a distributed Map over shards of the old pool). Only after users were told (--announce) and the plan's finish.sweepAfter has passed; --dry-run counts any time. Re-running skips the users already moved. With --plan it is rehearsed in the sandbox over --users old-pool users; --failures lists who it could not move, and why.",
    )
    .option('--stage <stage>', "start the sweep on AWS, on this stage's sweep state machine")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option('--plan <file>', 'the plan (JSON); with --stage, default plans/<stage>.json')
    .option('--dry-run', 'count what the sweep would do: nothing is moved')
    .option(
      '--announce',
      "tell users (the plan's users topic) when accounts not signed in move: at least finish.announceDaysAhead days before finish.sweepAfter; the sweep moves nobody otherwise",
    )
    .option('--users <n>', 'sandbox: old-pool users to rehearse over (default 1000)', userCount)
    .option('--state-dir <dir>', 'sandbox: keep the world in this folder, for --failures')
    .option(
      '--failures [sweepId]',
      "list who a sweep (default: every sweep) did not move whole, from the stage's ledger or --state-dir",
    )
    .option('--json', 'print one JSON report')
    .addHelpText(
      'after',
      help(
        '0 swept (or counted, or listed); 2 usage or invalid plan; 4 the sweep stopped or was not due, or AWS refused; 6 a sweep is already running.',
        'cutover sweep --plan examples/plan.json --users 100000 --json',
        'cutover sweep --stage prod --region eu-west-2 --dry-run',
        'cutover sweep --announce --stage prod --region eu-west-2',
        'cutover sweep --failures --stage prod --region eu-west-2',
      ),
    )
    .action(async (options: SweepOptions) =>
      done(await (await import('../sweep.ts')).sweepCommand(options, io)),
    );
}
