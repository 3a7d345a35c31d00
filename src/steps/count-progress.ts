import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { requireEnv } from '../config.ts';
import { listSweeps } from '../ledger/sweeps.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { poolFromEnv } from '../triggers/old-pool.ts';
import { lastCensus } from './core/census.ts';
import { describePool } from './core/pools.ts';

const estimatedUsers = async (region: string, userPoolId: string, which: string) =>
  (await describePool(region, userPoolId, which)).described.EstimatedNumberOfUsers ?? 0;

/**
 * How far the migration has come: how many users each pool has, how many of the old pool's are in the
 * new one, how many remain only in the old one, and how many sign-ins the new pool served in the last
 * day. Run every hour by its schedule, and on demand by `cutover progress`; published as metrics for
 * the dashboard. Counts only: never who.
 *
 * Cognito gives each pool's size as an estimate, and no filter finds the users a migration moved. The
 * exact split comes from a census: the last sweep that ended (a dry-run counts without changing
 * anything), which looked every old-pool user up in the new pool. Without one the split is estimated
 * from the two pools' sizes, and says so.
 */

export interface ProgressSource {
  migrationId: string;
  /** Where the commands `next` names run: `--stage prod`, or a sandbox's `--plan F --state-dir D`. */
  where: string;
  region: string;
  oldUserPoolId: string;
  newUserPoolId: string;
  /** The app client applications sign in through: its SignInSuccesses are the day's sign-ins. */
  appClientId: string;
}

/** The last sweep that ended, as a count of the old pool. */
export interface Census {
  sweepId: string;
  dryRun: boolean;
  endedAt: string;
  /** Old-pool users it read. */
  scanned: number;
}

export interface MigrationProgress {
  migrationId: string;
  at: string;
  /** Cognito's estimates (DescribeUserPool's EstimatedNumberOfUsers). */
  oldPoolUsers: number;
  newPoolUsers: number;
  /** Old-pool users now also in the new pool: signed in, swept or moved on demand. */
  moved: number;
  /** Old-pool users only there; `skipped` of them (disabled, or signing in elsewhere) are never moved. */
  remaining: number;
  skipped: number;
  /** moved of moved + remaining, to one decimal. */
  percent: number;
  /** Successful sign-ins through the new pool's app client in the last 24 hours (AWS/Cognito SignInSuccesses). */
  signInsLastDay: number;
  /** `census`: counted user by user by the last sweep; `estimate`: from the pools' sizes. */
  basis: 'census' | 'estimate';
  census: Census | null;
  /** What to do next, in a sentence an operator can act on. */
  next: string;
}

const DAY_MS = 86_400_000;
/** A census this old no longer says much of a migration that moves users daily. */
const STALE_CENSUS_MS = 7 * DAY_MS;

/** The function's settings, from its environment (serverless.yml fills them from the stage's plan). */
export function progressSourceFromEnv(env: NodeJS.ProcessEnv = process.env): ProgressSource {
  const old = poolFromEnv('OLD_USER_POOL_ID', env);
  const moved = poolFromEnv('NEW_USER_POOL_ID', env);
  return {
    migrationId: requireEnv('MIGRATION_ID', env),
    where: `--stage ${requireEnv('STAGE', env)}`,
    region: moved.region,
    oldUserPoolId: old.userPoolId,
    newUserPoolId: moved.userPoolId,
    appClientId: requireEnv('NEW_APP_CLIENT_ID', env),
  };
}

/**
 * Sign-ins Cognito counted through the app client, summed hour by hour over the last day. The metric
 * is published per pool and app client, so both dimensions name it
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html).
 */
async function signInsLastDay(source: ProgressSource, now: number): Promise<number> {
  const out = await named(
    `reading the new pool's sign-ins from CloudWatch`,
    aws.cloudWatch(source.region).send(
      new GetMetricDataCommand({
        StartTime: new Date(now - DAY_MS),
        EndTime: new Date(now),
        MetricDataQueries: [
          {
            Id: 'signIns',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Cognito',
                MetricName: 'SignInSuccesses',
                Dimensions: [
                  { Name: 'UserPool', Value: source.newUserPoolId },
                  { Name: 'UserPoolClient', Value: source.appClientId },
                ],
              },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
      }),
    ),
  );
  return (out.MetricDataResults ?? [])
    .flatMap((result) => result.Values ?? [])
    .reduce((total, value) => total + value, 0);
}

const percentOf = (part: number, whole: number) =>
  whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10;

/** What the counts ask of an operator next. */
function nextStep(progress: Omit<MigrationProgress, 'next'>, where: string, now: number): string {
  const { census } = progress;
  if (!census)
    return `Count exactly with a dry-run of the sweep (cutover sweep --dry-run ${where}): until then the split is estimated from the pools' sizes.`;
  if (now - Date.parse(census.endedAt) > STALE_CENSUS_MS)
    return `The last count is from ${census.endedAt}: count again with cutover sweep --dry-run ${where}.`;
  if (progress.remaining - progress.skipped > 0)
    return `${progress.remaining - progress.skipped} user(s) would still be moved: announce the sweep (cutover sweep --announce ${where}), then sweep after the cut-off.`;
  return `Every user who can be moved is in the new pool: retire the old pool (cutover retire --dry-run ${where}).`;
}

export async function countProgress(
  source: ProgressSource,
  ledger: LedgerLocation,
): Promise<MigrationProgress> {
  const at = nowIso();
  const now = Date.parse(at);
  const [oldPoolUsers, newPoolUsers, signIns, sweeps] = await Promise.all([
    estimatedUsers(source.region, source.oldUserPoolId, 'old'),
    estimatedUsers(source.region, source.newUserPoolId, 'new'),
    signInsLastDay(source, now),
    listSweeps(ledger),
  ]);
  const counted = lastCensus(sweeps);
  const last = counted?.census;
  // Without a census: every new-pool user is taken for a moved one, so `remaining` is a floor.
  const split = counted
    ? { moved: counted.moved, remaining: counted.remaining, skipped: counted.skipped }
    : {
        moved: Math.min(oldPoolUsers, newPoolUsers),
        remaining: Math.max(0, oldPoolUsers - newPoolUsers),
        skipped: 0,
      };
  const progress = {
    migrationId: source.migrationId,
    at,
    oldPoolUsers,
    newPoolUsers,
    ...split,
    percent: percentOf(split.moved, split.moved + split.remaining),
    signInsLastDay: signIns,
    basis: last ? ('census' as const) : ('estimate' as const),
    census: last
      ? { sweepId: last.sweepId, dryRun: last.dryRun, endedAt: last.endedAt, scanned: last.scanned }
      : null,
  };
  const result: MigrationProgress = { ...progress, next: nextStep(progress, source.where, now) };
  logger.info('Migration progress counted', { ...split, percent: result.percent, basis: result.basis });
  metrics.addMetric('OldPoolUsers', MetricUnit.Count, oldPoolUsers);
  metrics.addMetric('NewPoolUsers', MetricUnit.Count, newPoolUsers);
  metrics.addMetric('UsersRemaining', MetricUnit.Count, split.remaining);
  metrics.addMetric('MigratedPercent', MetricUnit.Percent, result.percent);
  metrics.publishStoredMetrics();
  return result;
}
