import { LEDGER_TABLE } from '../local/runner.ts';
import { countProgress, type MigrationProgress } from '../steps/count-progress.ts';
import { EXIT, UsageError } from './exit.ts';
import { invokeStageFunction } from './invoke.ts';
import type { Io } from './io.ts';
import { openSession, sandboxFlags } from './local.ts';
import { readPlan, validPlan } from './plan-file.ts';
import { resolveRegion } from './stepfunctions.ts';

export interface ProgressOptions {
  plan?: string;
  stateDir?: string;
  stage?: string;
  region?: string;
  json?: boolean;
}

/** How far the migration has come: on the stage's countProgress function, or in the sandbox. */
export async function progressCommand(options: ProgressOptions, io: Io): Promise<number> {
  const progress = options.stage
    ? await onStage({ ...options, stage: options.stage }, io)
    : await inSandbox(options);
  io.out(options.json ? `${JSON.stringify(progress)}\n` : progressText(progress));
  return EXIT.SUCCEEDED;
}

/** The deployed function its schedule runs every hour: the same count, now, and published as it. */
async function onStage(options: ProgressOptions & { stage: string }, io: Io): Promise<MigrationProgress> {
  if (options.plan || options.stateDir)
    throw new UsageError('--plan and --state-dir are for the sandbox: give --stage, or --plan, not both.');
  const answer = await invokeStageFunction({
    stage: options.stage,
    region: resolveRegion(options.region, io.env),
    name: 'countProgress',
    payload: {},
    answered: (payload) => typeof payload.percent === 'number',
    safe: 'it changes nothing',
  });
  return answer as unknown as MigrationProgress;
}

/** The world `--state-dir` keeps (after `cutover sweep --state-dir`, with its count), or a fresh one. */
async function inSandbox(options: ProgressOptions): Promise<MigrationProgress> {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.plan)
    throw new UsageError(
      'Give --stage STAGE to count on AWS, or --plan FILE to count in the sandbox the plan describes.',
    );
  const raw = readPlan(options.plan);
  const plan = validPlan(options.plan, raw);
  // A count changes nothing, so the world is not saved back.
  const { sandbox } = openSession(raw, options.stateDir);
  sandbox.install();
  try {
    return await countProgress(
      {
        migrationId: plan.migrationId,
        where: sandboxFlags(options),
        region: plan.region,
        oldUserPoolId: plan.oldPool.userPoolId,
        newUserPoolId: plan.newPool.userPoolId,
        appClientId: plan.newPool.appClientId,
      },
      { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId },
    );
  } finally {
    sandbox.uninstall();
  }
}

const BAR = 30;

/** `[█████████░░░░]`, filled to `percent`. */
export function bar(percent: number): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * BAR);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}]`;
}

const count = (n: number) => n.toLocaleString('en-GB');

/** Counts, a percentage and a bar, where the split comes from, and what to do next. */
export function progressText(p: MigrationProgress): string {
  const basis = p.census
    ? `counted user by user by the ${p.census.dryRun ? 'dry-run of the sweep' : 'sweep'} ${p.census.sweepId}, which ended ${p.census.endedAt} (${count(p.census.scanned)} read)`
    : "estimated from the pools' sizes: no sweep has counted yet";
  const width = Math.max(
    ...[p.oldPoolUsers, p.newPoolUsers, p.moved, p.remaining, p.signInsLastDay].map((n) => count(n).length),
  );
  const row = (label: string, n: number, note = '') =>
    `  ${label.padEnd(22)}${count(n).padStart(width)}${note}`;
  return `${[
    `Migration ${p.migrationId}, ${p.at}:`,
    `  ${bar(p.percent)} ${p.percent}% of the old pool's users are in the new pool`,
    '',
    row('old pool', p.oldPoolUsers, "  users (Cognito's estimate)"),
    row('new pool', p.newPoolUsers, "  users (Cognito's estimate; moved and new)"),
    row('moved', p.moved, '  old-pool users now in the new pool'),
    row(
      'remaining',
      p.remaining,
      p.skipped > 0
        ? `  only in the old pool, ${count(p.skipped)} of them never moved (disabled, or signing in elsewhere)`
        : '  only in the old pool',
    ),
    row('sign-ins, last day', p.signInsLastDay, "  through the new pool's app client"),
    '',
    `The split is ${basis}.`,
    `Next: ${p.next}`,
  ].join('\n')}\n`;
}
