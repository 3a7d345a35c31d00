import type { Command } from 'commander';
import { help, REGION } from '../help.ts';
import type { Io } from '../io.ts';
import type { ProgressOptions } from '../progress.ts';

/** `cutover progress`, on `cli`; `done` takes the exit code. */
export function progressCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('progress')
    .description(
      "How far the migration has come: the users each pool has, how many of the old pool's are in the new pool, how many remain only in the old one, and the new pool's sign-ins in the last day; as counts, a percentage and a bar. With --stage it invokes the stage's countProgress function (which also runs every hour and publishes these as metrics for the dashboard). The exact split comes from the last sweep that ended; a dry-run of the sweep counts without changing anything.",
    )
    .option('--stage <stage>', "invoke the stage's countProgress function on AWS")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option('--plan <file>', 'sandbox: the cutover plan (JSON); its pools and seeded users are the world')
    .option(
      '--state-dir <dir>',
      'sandbox: the world an earlier command left there (e.g. `cutover sweep --state-dir`)',
    )
    .option('--json', 'print one JSON report: the counts, percent, basis, census and next step')
    .addHelpText(
      'after',
      help(
        '0 counted; 2 usage or invalid plan; 4 AWS refused, or the function failed.',
        'cutover progress --stage prod --region eu-west-2',
        'cutover progress --plan examples/plan.json --state-dir .sweep --json',
      ),
    )
    .action(async (options: ProgressOptions) =>
      done(await (await import('../progress.ts')).progressCommand(options, io)),
    );
}
