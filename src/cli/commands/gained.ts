import type { Command } from 'commander';
import type { GainedOptions } from '../gained.ts';
import { help, REGION } from '../help.ts';
import type { Io } from '../io.ts';

/** `cutover gained`, on `cli`; `done` takes the exit code. */
export function gainedCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('gained')
    .description(
      'The users a rollback found the new pool had gained while it served sign-in (signed up, migrated, or changed their password or profile there), each with what they meet now the old pool is the only one. Notices carry only the counts: the usernames are here.',
    )
    .requiredOption('--migration-id <id>', "the migration that was rolled back (the plan's migrationId)")
    .option('--stage <stage>', "read the stage's ledger on AWS")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option('--state-dir <dir>', 'sandbox: the folder an earlier `rehearse --state-dir` left its world in')
    .option('--json', 'print one JSON report: the counts and the list')
    .addHelpText(
      'after',
      help(
        '0 listed (an empty list too); 2 usage; 4 the ledger could not be read.',
        'cutover gained --migration-id tis-prod-pool-v1-to-v2 --stage prod --region eu-west-2',
        'cutover gained --migration-id tis-prod-pool-v1-to-v2 --state-dir .rehearsal --json',
      ),
    )
    .action(async (options: GainedOptions) =>
      done(await (await import('../gained.ts')).gainedCommand(options, io)),
    );
}
