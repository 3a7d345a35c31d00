import { listGained } from '../ledger/gained.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { LEDGER_TABLE } from '../local/runner.ts';
import { loadSandbox } from '../sandbox/persist.ts';
import { type GainedReport, gainedLines, gainedReport } from '../steps/gained-report.ts';
import { CommandFailed, EXIT, UsageError } from './exit.ts';
import type { Io } from './io.ts';
import { attempt, checkStage, resolveRegion, SERVICE } from './stepfunctions.ts';

export interface GainedOptions {
  migrationId: string;
  stage?: string;
  region?: string;
  stateDir?: string;
  json?: boolean;
}

/** The users a rollback found the new pool had gained, from the stage's ledger or a rehearsal's. */
export async function gainedCommand(options: GainedOptions, io: Io): Promise<number> {
  const report = options.stage
    ? await fromStage({ ...options, stage: options.stage }, io)
    : await fromSandbox(options);
  io.out(
    options.json
      ? `${JSON.stringify({ migrationId: options.migrationId, ...report })}\n`
      : gainedText(options.migrationId, report),
  );
  return EXIT.SUCCEEDED;
}

async function fromStage(options: GainedOptions & { stage: string }, io: Io): Promise<GainedReport> {
  if (options.stateDir)
    throw new UsageError('--state-dir is for the sandbox: give --stage or --state-dir, not both.');
  const region = resolveRegion(options.region, io.env);
  const table = `${SERVICE}-${checkStage(options.stage)}-ledger`;
  const at: LedgerLocation = { table, region, migrationId: options.migrationId };
  return gainedReport(
    await attempt(
      {
        what: `reading ${table}`,
        action: 'dynamodb:Query',
        resource: `arn:aws:dynamodb:${region}:*:table/${table}`,
        region,
        service: 'DynamoDB',
        hints: {
          ResourceNotFound: `There is no ledger table ${table} in ${region}: pass the --stage and --region the stack was deployed with.`,
        },
      },
      () => listGained(at),
    ),
  );
}

async function fromSandbox(options: GainedOptions): Promise<GainedReport> {
  if (options.region)
    throw new UsageError('--region goes with --stage: the sandbox has no region to choose.');
  if (!options.stateDir)
    throw new UsageError(
      "Give --stage STAGE to read the stage's ledger, or --state-dir DIR for the world an earlier `rehearse --state-dir DIR` left.",
    );
  const saved = loadSandbox(options.stateDir);
  if (!saved)
    throw new CommandFailed(
      `${options.stateDir} holds no rehearsal: run \`cutover rehearse --plan FILE --state-dir ${options.stateDir}\` (e.g. with --unhealthy) first.`,
    );
  const { sandbox } = saved;
  sandbox.install();
  try {
    return gainedReport(
      await listGained({
        table: LEDGER_TABLE,
        region: sandbox.world.region,
        migrationId: options.migrationId,
      }),
    );
  } finally {
    sandbox.uninstall();
  }
}

/** Counts first, then one line per user: who, what they did, and what they meet now. */
function gainedText(migrationId: string, report: GainedReport): string {
  if (report.users === 0)
    return `No rollback of ${migrationId} has found users the new pool gained: nobody has anything to redo.\n`;
  const width = Math.max(...report.list.map((u) => u.username.length));
  return [
    `The new pool gained ${report.users} user(s) while ${migrationId} sent sign-in to it:`,
    ...gainedLines(report).map((line) => `  ${line}`),
    '',
    ...report.list.map((u) => `  ${u.username.padEnd(width)}  ${u.category}`),
    '',
  ].join('\n');
}
