import type { Command } from 'commander';
import { Sandbox } from '../sandbox/index.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { type MigrateUserAnswer, migrateOneUser, migrateUserRequest } from '../steps/migrate-user.ts';
import { carryRuleFromEnv } from '../triggers/attributes.ts';
import { EXIT, UsageError } from './exit.ts';
import { help, REGION } from './help.ts';
import { invokeStageFunction } from './invoke.ts';
import type { Io } from './io.ts';
import { checkedPlan, readPlan } from './plan-file.ts';
import { resolveRegion } from './stepfunctions.ts';

interface MigrateUserOptions {
  plan?: string;
  stateDir?: string;
  stage?: string;
  region?: string;
  json?: boolean;
}

/** One user, now: on the stage's migrateUser function, or in the sandbox a plan describes. */
async function migrateUserCommand(username: string, options: MigrateUserOptions, io: Io): Promise<number> {
  const parsed = migrateUserRequest.safeParse({ username });
  if (!parsed.success)
    throw new UsageError(`"${username}" is not a username Cognito accepts (1 to 128 characters).`);
  const answer = options.stage
    ? await onStage(username, { ...options, stage: options.stage }, io)
    : await inSandbox(username, options, io);
  if (!answer) return EXIT.USAGE;
  io.out(options.json ? `${JSON.stringify(answer)}\n` : `${answer.username}: ${answer.message}\n`);
  return answer.outcome === 'moved' || answer.outcome === 'already-in-new-pool' ? EXIT.SUCCEEDED : EXIT.OTHER;
}

/** The deployed function, as the user-management service invokes it: the same code, on AWS. */
async function onStage(
  username: string,
  options: MigrateUserOptions & { stage: string },
  io: Io,
): Promise<MigrateUserAnswer> {
  if (options.plan || options.stateDir)
    throw new UsageError('--plan and --state-dir are for the sandbox: give --stage, or --plan, not both.');
  const answer = await invokeStageFunction({
    stage: options.stage,
    region: resolveRegion(options.region, io.env),
    name: 'migrateUser',
    payload: { username },
    answered: (payload) => typeof payload.outcome === 'string',
    safe: 'nothing is half done',
  });
  return answer as unknown as MigrateUserAnswer;
}

/** The sandbox's world (the one `--state-dir` keeps, or a fresh one from the plan). */
async function inSandbox(username: string, options: MigrateUserOptions, io: Io) {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.plan)
    throw new UsageError(
      'Give --stage STAGE to move the user on AWS, or --plan FILE to rehearse it in the sandbox the plan describes.',
    );
  const plan = checkedPlan(options.plan, readPlan(options.plan), io);
  if (!plan) return undefined;
  const saved = options.stateDir ? loadSandbox(options.stateDir) : undefined;
  const sandbox = (saved?.sandbox ?? Sandbox.fromPlan(plan)).install();
  const startingWorld = saved?.startingWorld ?? sandbox.snapshot();
  try {
    return await migrateOneUser(
      { username },
      {
        pools: {
          oldUserPoolId: plan.oldPool.userPoolId,
          newUserPoolId: plan.newPool.userPoolId,
          region: plan.region,
        },
        // The deployed function's defaults (serverless.yml): every attribute, the old sub in custom:legacy_sub.
        carry: carryRuleFromEnv({}),
      },
    );
  } finally {
    sandbox.uninstall();
    if (options.stateDir) saveSandbox(options.stateDir, sandbox, startingWorld);
  }
}

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
      done(await migrateUserCommand(username, options, io)),
    );
}
