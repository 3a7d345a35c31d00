import type { Command } from 'commander';
import { nowIso } from '../clock.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { LEDGER_TABLE, newSession } from '../local/runner.ts';
import type { Plan } from '../plan/schema.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { type RetireReport, retireOldPool } from '../steps/retire-old-pool.ts';
import { EXIT, UsageError } from './exit.ts';
import { help, REGION } from './help.ts';
import type { Io } from './io.ts';
import { checkedPlan, readPlan } from './plan-file.ts';
import { attempt, checkStage, resolveRegion, SERVICE } from './stepfunctions.ts';

interface RetireOptions {
  plan?: string;
  stateDir?: string;
  stage?: string;
  region?: string;
  dryRun?: boolean;
  json?: boolean;
}

async function retireCommand(options: RetireOptions, io: Io): Promise<number> {
  const report = options.stage
    ? await onStage({ ...options, stage: options.stage }, io)
    : await inSandbox(options, io);
  if (!report) return EXIT.USAGE;
  io.out(options.json ? `${JSON.stringify(report)}\n` : retireText(report));
  return report.status === 'REFUSED' ? EXIT.PLAN_PROBLEMS : EXIT.SUCCEEDED;
}

const run = (plan: Plan, ledger: LedgerLocation, dryRun: boolean, stage: string, by: string) =>
  retireOldPool({ plan: { ...plan, dryRun }, ledger, step: 'Retire', executionId: `retire:${by}` }, stage);

/**
 * With the operator's own credentials, as `gained --stage` reads the ledger: one change made once, not
 * a function kept deployed for it. The rollback machine's role may put it back.
 */
async function onStage(
  options: RetireOptions & { stage: string },
  io: Io,
): Promise<RetireReport | undefined> {
  if (options.stateDir) throw new UsageError('--state-dir is for the sandbox: drop it with --stage.');
  const stage = checkStage(options.stage);
  const region = resolveRegion(options.region, io.env);
  const file = options.plan ?? `plans/${stage}.json`;
  const plan = checkedPlan(file, readPlan(file), io);
  if (!plan) return undefined;
  const table = `${SERVICE}-${stage}-ledger`;
  return attempt(
    {
      what: `retiring the old pool ${plan.oldPool.userPoolId}`,
      action: 'cognito-idp:UpdateUserPoolClient',
      resource: `arn:aws:cognito-idp:${plan.region}:*:userpool/${plan.oldPool.userPoolId}`,
      region,
      service: 'Cognito',
      hints: {
        ResourceNotFound: `There is no ledger table ${table} in ${region}: pass the --stage and --region the stack was deployed with.`,
      },
    },
    () =>
      run(plan, { table, region, migrationId: plan.migrationId }, options.dryRun === true, stage, nowIso()),
  );
}

async function inSandbox(options: RetireOptions, io: Io): Promise<RetireReport | undefined> {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.plan)
    throw new UsageError(
      'Give --stage STAGE to retire the old pool on AWS, or --plan FILE to rehearse it in the sandbox.',
    );
  const raw = readPlan(options.plan);
  const plan = checkedPlan(options.plan, raw, io);
  if (!plan) return undefined;
  const saved = options.stateDir ? loadSandbox(options.stateDir) : undefined;
  const session = saved ?? newSession(raw);
  session.sandbox.install();
  try {
    const ledger = { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId };
    return await run(plan, ledger, options.dryRun === true, 'STAGE', 'rehearsal');
  } finally {
    session.sandbox.uninstall();
    if (options.stateDir) saveSandbox(options.stateDir, session.sandbox, session.startingWorld);
  }
}

function retireText(report: RetireReport): string {
  const of = `the old pool of ${report.migrationId}`;
  if (report.status === 'REFUSED')
    return `${[
      `Not retiring ${of}${report.dryRun ? ' (dry-run)' : ''}: ${report.refusals.length} reason(s).`,
      ...report.refusals.map((r) => `  - ${r.message}`),
      'Nothing was changed.',
    ].join('\n')}\n`;
  const heading = {
    RETIRED: `Retired ${of}:`,
    WOULD_RETIRE: `Dry-run: retiring ${of} would change:`,
    UNCHANGED: `${of[0]?.toUpperCase()}${of.slice(1)} is retired already: nothing to change.`,
  }[report.status];
  const changes = report.changes.map(
    (c) => `  ${c.resource}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`,
  );
  return `${[
    heading,
    ...changes,
    ...(report.status === 'WOULD_RETIRE' ? ['Run it without --dry-run to make these changes.'] : []),
    '',
    'Still to do, by a person:',
    ...report.stillToDo.map((line) => `  - ${line}`),
  ].join('\n')}\n`;
}

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
    .action(async (options: RetireOptions) => done(await retireCommand(options, io)));
}
