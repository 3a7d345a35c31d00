import { listSwept } from '../ledger/sweeps.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { LEDGER_TABLE, newSession, rehearseSweep, type SweepRehearsal } from '../local/runner.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { withUsersOf } from '../sandbox/snapshot.ts';
import { announceSweep } from '../steps/announce-sweep.ts';
import { sweepLines } from '../steps/sweep-report.ts';
import { CommandFailed, EXIT, UsageError } from './exit.ts';
import type { Io } from './io.ts';
import { sandboxFlags } from './local.ts';
import { readPlan, validPlan } from './plan-file.ts';
import {
  attempt,
  checkStage,
  consoleUrl,
  executionName,
  findMachine,
  listExecutions,
  machineName,
  resolveRegion,
  SERVICE,
  startExecution,
} from './stepfunctions.ts';

export interface SweepOptions {
  plan?: string;
  users?: number;
  dryRun?: boolean;
  stage?: string;
  region?: string;
  stateDir?: string;
  failures?: string | true;
  announce?: boolean;
  json?: boolean;
}

export async function sweepCommand(options: SweepOptions, io: Io): Promise<number> {
  if (options.failures !== undefined) return failuresCommand(options, io);
  if (options.announce) return announceCommand(options, io);
  if (options.stage) return startOnStage({ ...options, stage: options.stage }, io);
  return rehearse(options, io);
}

// ---- in the sandbox ---------------------------------------------------------------------------

async function rehearse(options: SweepOptions, io: Io): Promise<number> {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.plan)
    throw new UsageError(
      'Give --plan FILE to rehearse the sweep in the sandbox (with --users N old-pool users), or --stage STAGE to start it on AWS.',
    );
  const raw = readPlan(options.plan);
  const plan = validPlan(options.plan, raw);
  const saved = options.stateDir ? loadSandbox(options.stateDir) : undefined;
  const result = await rehearseSweep({
    plan: raw,
    population: { users: options.users ?? 1000 },
    dryRun: options.dryRun === true,
    ...(saved ? { session: saved } : {}),
  });
  if (options.stateDir && result.session) {
    const { sandbox, startingWorld } = result.session;
    saveSandbox(options.stateDir, sandbox, withUsersOf(startingWorld, sandbox.world));
  }
  const { session: _session, ...shown } = result;
  if (options.json) {
    const { report, ...rest } = shown;
    io.out(`${JSON.stringify({ ...(report ?? {}), ...rest, status: result.status })}\n`);
  } else {
    io.out(rehearsalText(shown, plan.migrationId, options));
  }
  return result.status === 'SUCCEEDED'
    ? EXIT.SUCCEEDED
    : result.status === 'INVALID_PLAN'
      ? EXIT.USAGE
      : EXIT.OTHER;
}

function rehearsalText(
  result: Omit<SweepRehearsal, 'session'>,
  migrationId: string,
  options: SweepOptions,
): string {
  const here = `${(result.wallMs / 1000).toFixed(1)} s here, peak ${result.peakRssMB} MB`;
  if (!result.report)
    return `The sweep of ${migrationId} did not run: ${result.error ?? result.status} (${here}).\n`;
  // Who was not moved can be listed only from a world that was kept.
  const lines = sweepLines(result.report, migrationId, sandboxFlags(options)).map((line) =>
    options.stateDir
      ? line
      : line.replace(
          /cutover sweep --failures .*/,
          `sweep again with --state-dir DIR, then cutover sweep --failures ${sandboxFlags({ ...options, stateDir: 'DIR' })}`,
        ),
  );
  return `${[`Rehearsed over ${result.users} old-pool users, ${result.simulatedSeconds} simulated seconds (${here}):`, ...lines].join('\n')}\n`;
}

// ---- on AWS -----------------------------------------------------------------------------------

async function startOnStage(options: SweepOptions & { stage: string }, io: Io): Promise<number> {
  if (options.users || options.stateDir)
    throw new UsageError('--users and --state-dir are for the sandbox: drop them with --stage.');
  const stage = checkStage(options.stage);
  const region = resolveRegion(options.region, io.env);
  const file = options.plan ?? `plans/${stage}.json`;
  const plan = validPlan(file, readPlan(file));
  const machine = await findMachine(region, stage, 'sweep');
  const [running] = await listExecutions(region, machine, { status: 'RUNNING', max: 1 });
  if (running?.executionArn)
    throw new CommandFailed(
      `A sweep is already running: ${running.executionArn}. Let it finish (or stop it in the console); a second would only repeat its work.`,
      EXIT.BUSY,
    );
  const name = executionName(`${plan.migrationId}-${options.dryRun ? 'sweep-dryrun' : 'sweep'}`, io.now());
  const started = await startExecution(region, machine, name, { plan, dryRun: options.dryRun === true });
  const url = consoleUrl(region, started.executionArn);
  if (options.json) {
    io.out(
      `${JSON.stringify({ executionArn: started.executionArn, name, dryRun: options.dryRun === true, consoleUrl: url })}\n`,
    );
    return EXIT.SUCCEEDED;
  }
  io.out(
    `${[
      `Started the ${options.dryRun ? 'dry-run of the sweep' : 'sweep'} of ${plan.migrationId} on ${machineName(stage, 'sweep')} (${region}).`,
      `Execution  ${started.executionArn}`,
      `Console    ${url}`,
      'Operators get its report when it ends (counts only).',
      `Next: cutover sweep --failures ${name} --stage ${stage} --region ${region} (who it could not move, once it ends)`,
    ].join('\n')}\n`,
  );
  return EXIT.SUCCEEDED;
}

// ---- telling users first ----------------------------------------------------------------------

/** Tells users, on the plan's users topic, when their accounts move; the sweep refuses to move anyone otherwise. */
async function announceCommand(options: SweepOptions, io: Io): Promise<number> {
  if (options.dryRun || options.users)
    throw new UsageError('--announce tells users; it takes no --dry-run or --users.');
  let told: Awaited<ReturnType<typeof announceSweep>>;
  let stage = 'STAGE';
  if (options.stage) {
    stage = checkStage(options.stage);
    const region = resolveRegion(options.region, io.env);
    const file = options.plan ?? `plans/${stage}.json`;
    const plan = validPlan(file, readPlan(file));
    const table = `${SERVICE}-${stage}-ledger`;
    told = await attempt(
      {
        what: `telling users of the sweep (${plan.notify.usersTopicArn}) and recording it in ${table}`,
        action: 'sns:Publish and dynamodb:PutItem',
        resource: `${plan.notify.usersTopicArn} and arn:aws:dynamodb:${region}:*:table/${table}`,
        region,
        service: 'SNS and DynamoDB',
        hints: { SweepNotDue: 'The sweep cannot be announced yet' },
      },
      () => announceSweep(plan, { table, region, migrationId: plan.migrationId }),
    );
  } else {
    if (options.region)
      throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
    if (!options.plan)
      throw new UsageError(
        'Give --stage STAGE to tell users on AWS, or --plan FILE (with --state-dir DIR) to rehearse it.',
      );
    const plan = validPlan(options.plan, readPlan(options.plan));
    const saved = options.stateDir ? loadSandbox(options.stateDir) : undefined;
    const session = saved ?? newSession(plan);
    session.sandbox.install();
    try {
      told = await announceSweep(plan, {
        table: LEDGER_TABLE,
        region: plan.region,
        migrationId: plan.migrationId,
      });
    } finally {
      session.sandbox.uninstall();
      if (options.stateDir) saveSandbox(options.stateDir, session.sandbox, session.startingWorld);
    }
  }
  if (options.json) {
    io.out(`${JSON.stringify(told)}\n`);
    return EXIT.SUCCEEDED;
  }
  io.out(
    `${[
      told.announced
        ? `Told users that accounts not signed in move after ${told.sweepAfter}.`
        : `Users were told of ${told.sweepAfter} on ${told.sentAt}: nothing sent again.`,
      `Next, after ${told.sweepAfter}: cutover sweep ${options.stage ? `--stage ${stage}` : sandboxFlags(options)}`,
    ].join('\n')}\n`,
  );
  return EXIT.SUCCEEDED;
}

// ---- who was not moved ------------------------------------------------------------------------

async function failuresCommand(options: SweepOptions, io: Io): Promise<number> {
  const sweepId = options.failures === true ? undefined : options.failures;
  let users: Awaited<ReturnType<typeof listSwept>>;
  if (options.stage) {
    const stage = checkStage(options.stage);
    const region = resolveRegion(options.region, io.env);
    const file = options.plan ?? `plans/${stage}.json`;
    const plan = validPlan(file, readPlan(file));
    const table = `${SERVICE}-${stage}-ledger`;
    const at: LedgerLocation = { table, region, migrationId: plan.migrationId };
    users = await attempt(
      {
        what: `reading ${table}`,
        action: 'dynamodb:Query',
        resource: `arn:aws:dynamodb:${region}:*:table/${table}`,
        region,
        service: 'DynamoDB',
      },
      () => listSwept(at, sweepId),
    );
  } else {
    if (!options.stateDir || !options.plan)
      throw new UsageError(
        "Give --stage STAGE to read the stage's ledger, or --plan FILE --state-dir DIR for the world an earlier `sweep --state-dir DIR` left.",
      );
    const plan = validPlan(options.plan, readPlan(options.plan));
    const saved = loadSandbox(options.stateDir);
    if (!saved)
      throw new CommandFailed(
        `${options.stateDir} holds no rehearsal: run \`cutover sweep --plan ${options.plan} --state-dir ${options.stateDir}\` first.`,
      );
    saved.sandbox.install();
    try {
      users = await listSwept(
        { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId },
        sweepId,
      );
    } finally {
      saved.sandbox.uninstall();
    }
  }
  if (options.json) {
    io.out(`${JSON.stringify({ users: users.length, list: users })}\n`);
    return EXIT.SUCCEEDED;
  }
  if (users.length === 0) {
    io.out('The sweep moved everyone it read: nobody is listed.\n');
    return EXIT.SUCCEEDED;
  }
  const width = Math.max(...users.map((u) => u.username.length));
  io.out(
    `${[
      `${users.length} user(s) the sweep did not move whole:`,
      ...users.map((u) => `  ${u.username.padEnd(width)}  ${u.outcome.padEnd(10)}  ${u.reason}`),
      'Once the cause is fixed, `cutover migrate-user USERNAME` moves one now; a sweep started again moves them all.',
    ].join('\n')}\n`,
  );
  return EXIT.SUCCEEDED;
}
