import { Sandbox } from '../sandbox/index.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { type MigrateUserAnswer, migrateOneUser, migrateUserRequest } from '../steps/migrate-user.ts';
import { carryRuleFromEnv } from '../triggers/attributes.ts';
import { EXIT, UsageError } from './exit.ts';
import { invokeStageFunction } from './invoke.ts';
import type { Io } from './io.ts';
import { readPlan, validPlan } from './plan-file.ts';
import { resolveRegion } from './stepfunctions.ts';

export interface MigrateUserOptions {
  plan?: string;
  stateDir?: string;
  stage?: string;
  region?: string;
  json?: boolean;
}

/** One user, now: on the stage's migrateUser function, or in the sandbox a plan describes. */
export async function migrateUserCommand(
  username: string,
  options: MigrateUserOptions,
  io: Io,
): Promise<number> {
  const parsed = migrateUserRequest.safeParse({ username });
  if (!parsed.success)
    throw new UsageError(`"${username}" is not a username Cognito accepts (1 to 128 characters).`);
  const answer = options.stage
    ? await onStage(username, { ...options, stage: options.stage }, io)
    : await inSandbox(username, options);
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
async function inSandbox(username: string, options: MigrateUserOptions) {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.plan)
    throw new UsageError(
      'Give --stage STAGE to move the user on AWS, or --plan FILE to rehearse it in the sandbox the plan describes.',
    );
  const plan = validPlan(options.plan, readPlan(options.plan));
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
