import { nowIso } from '../clock.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { LEDGER_TABLE } from '../local/runner.ts';
import type { Plan } from '../plan/schema.ts';
import { type RetireReport, retireOldPool } from '../steps/retire-old-pool.ts';
import { EXIT, UsageError } from './exit.ts';
import type { Io } from './io.ts';
import { closeSession, openSession, sandboxFlags } from './local.ts';
import { readPlan, validPlan } from './plan-file.ts';
import { attempt, checkStage, resolveRegion, SERVICE } from './stepfunctions.ts';

export interface RetireOptions {
  plan?: string;
  stateDir?: string;
  stage?: string;
  region?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function retireCommand(options: RetireOptions, io: Io): Promise<number> {
  const report = options.stage
    ? await onStage({ ...options, stage: options.stage }, io)
    : await inSandbox(options);
  io.out(options.json ? `${JSON.stringify(report)}\n` : retireText(report));
  return report.status === 'REFUSED' ? EXIT.PLAN_PROBLEMS : EXIT.SUCCEEDED;
}

/** `where` names where the commands the report gives run: `--stage prod`, or the sandbox's plan and state. */
const run = (plan: Plan, ledger: LedgerLocation, dryRun: boolean, where: string, by: string) =>
  retireOldPool({ plan: { ...plan, dryRun }, ledger, step: 'Retire', executionId: `retire:${by}` }, where);

/**
 * With the operator's own credentials, as `gained --stage` reads the ledger: one change made once, not
 * a function kept deployed for it. The rollback machine's role may put it back.
 */
async function onStage(options: RetireOptions & { stage: string }, io: Io): Promise<RetireReport> {
  if (options.stateDir) throw new UsageError('--state-dir is for the sandbox: drop it with --stage.');
  const stage = checkStage(options.stage);
  const region = resolveRegion(options.region, io.env);
  const file = options.plan ?? `plans/${stage}.json`;
  const plan = validPlan(file, readPlan(file));
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
      run(
        plan,
        { table, region, migrationId: plan.migrationId },
        options.dryRun === true,
        `--stage ${stage}`,
        nowIso(),
      ),
  );
}

async function inSandbox(options: RetireOptions): Promise<RetireReport> {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.plan)
    throw new UsageError(
      'Give --stage STAGE to retire the old pool on AWS, or --plan FILE to rehearse it in the sandbox.',
    );
  const raw = readPlan(options.plan);
  const plan = validPlan(options.plan, raw);
  const session = openSession(raw, options.stateDir);
  session.sandbox.install();
  try {
    const ledger = { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId };
    return await run(plan, ledger, options.dryRun === true, sandboxFlags(options), 'rehearsal');
  } finally {
    session.sandbox.uninstall();
    closeSession(session, options.stateDir);
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
