import type { Command } from 'commander';
import { help, REGION } from '../help.ts';
import type { Io } from '../io.ts';
import type { MigrateUserOptions } from '../migrate-user.ts';

/** `cutover migrate-user`, on `cli`; `done` takes the exit code. */
export function migrateUserCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('migrate-user')
    .description(
      "Moves one user who never signed in from the old pool to the new one, now: for an admin who opens a user not yet migrated. The same attributes, old sub (custom:legacy_sub) and groups as the migration trigger gives; no password travels, so at their next sign-in they reset it (\"forgot password\"). Answers: moved; already in the new pool; not in the old pool; or the new pool's refusal. With --stage it invokes the stage's migrateUser function, which the user-management service can invoke too (the plan's finish.migrateUserCallers).",
    )
    .argument('<username>', 'the user, as the old pool names them')
    .option('--stage <stage>', "invoke the stage's migrateUser function on AWS")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option('--plan <file>', 'sandbox: the cutover plan (JSON); its pools and seeded users are the world')
    .option('--state-dir <dir>', 'sandbox: keep the world in this folder between commands')
    .option('--json', 'print one JSON answer: username, outcome, message (and groups when moved)')
    .addHelpText(
      'after',
      help(
        '0 moved, or already in the new pool; 2 usage or invalid plan; 4 not moved (not in the old pool, refused by the new pool, or AWS refused).',
        'cutover migrate-user jane@example.org --stage prod --region eu-west-2',
        'cutover migrate-user person-01@example.org --plan examples/plan.json --json',
      ),
    )
    .action(async (username: string, options: MigrateUserOptions) =>
      done(await (await import('../migrate-user.ts')).migrateUserCommand(username, options, io)),
    );
}
