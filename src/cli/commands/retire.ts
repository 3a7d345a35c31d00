import type { Command } from 'commander';
import { help, REGION } from '../help.ts';
import type { Io } from '../io.ts';
import type { RetireOptions } from '../retire.ts';

/** `cutover retire`, on `cli`; `done` takes the exit code. */
export function retireCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('retire')
    .description(
      "Retires the old pool once nothing needs it: detaches the new pool's migration trigger and stops sign-in through every app client of the old pool (each client's whole configuration read and sent back, as Cognito resets what an update leaves out). Refuses, saying which, while users remain only in the old pool (by the last sweep's count), while a binding or authorizer still names the old pool, or while a cutover runs (its grace window may be open). Each change is kept in the ledger first, so `cutover rollback` puts it back. It never deletes a pool: it lists what a person must still do. With --stage it runs with your credentials against the stage's plan and ledger.",
    )
    .option('--stage <stage>', "retire on AWS, with the stage's plan (plans/<stage>.json) and ledger")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option(
      '--plan <file>',
      'the plan (with --stage, default plans/<stage>.json); alone, rehearse in the sandbox',
    )
    .option('--state-dir <dir>', 'sandbox: the world earlier commands left there (rehearse, sweep)')
    .option('--dry-run', 'say what would change, and change nothing')
    .option('--json', 'print one JSON report: status, refusals, changes, stillToDo')
    .addHelpText(
      'after',
      help(
        '0 retired, retired already, or (--dry-run) may retire; 2 usage or invalid plan; 4 AWS refused; 5 refused, with the reasons.',
        'cutover retire --dry-run --stage prod --region eu-west-2',
        'cutover retire --plan examples/plan.json --state-dir .rehearsal --json',
      ),
    )
    .action(async (options: RetireOptions) =>
      done(await (await import('../retire.ts')).retireCommand(options, io)),
    );
}
