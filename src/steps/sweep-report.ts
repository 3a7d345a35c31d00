import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PublishCommand } from '@aws-sdk/client-sns';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import type { SweepTotals } from '../ledger/sweeps.ts';
import { recordSweep } from '../ledger/swept.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { metrics } from '../metrics.ts';
import type { ShardProgress, SweepSettings } from './core/sweep.ts';

/**
 * The sweep's last state: its totals over every shard, kept in the ledger and published as metrics,
 * and a notice to operators with the counts (never a username) and the command that lists who was not
 * moved. A sweep stopped part way reports what it did, and that starting it again resumes.
 */

export interface SweepReport extends SweepTotals {
  /** Seconds from the sweep's start to now. */
  seconds: number;
  /** Users dealt with per second, and the plan's ceiling for it. */
  usersPerSecond: number;
  quotaPerSecond: number;
  /** Why it stopped, when it did. */
  error?: string;
}

const sum = (shards: readonly ShardProgress[], key: keyof ShardProgress) =>
  shards.reduce((total, shard) => total + Number(shard[key]), 0);

export function sweepTotals(
  settings: SweepSettings,
  shards: readonly ShardProgress[],
  stopped?: { Error?: string | undefined; Cause?: string | undefined },
): SweepReport {
  const endedAt = nowIso();
  const seconds = Math.max(1, (Date.parse(endedAt) - Date.parse(settings.startedAt)) / 1000);
  const scanned = sum(shards, 'scanned');
  return {
    sweepId: settings.sweepId,
    dryRun: settings.dryRun,
    status: stopped ? 'STOPPED' : 'SUCCEEDED',
    scanned,
    moved: sum(shards, 'moved'),
    alreadyInNewPool: sum(shards, 'alreadyInNewPool'),
    failed: sum(shards, 'failed'),
    skipped: sum(shards, 'skipped'),
    throttled: sum(shards, 'throttled'),
    startedAt: settings.startedAt,
    endedAt,
    seconds,
    usersPerSecond: Math.round((scanned / seconds) * 10) / 10,
    quotaPerSecond: settings.perSecond,
    ...(stopped ? { error: `${stopped.Error ?? 'States.Runtime'}: ${stopped.Cause ?? ''}` } : {}),
  };
}

/** What operators read: counts, what they mean, and the next command. */
export function sweepLines(report: SweepReport, migrationId: string, where: string): string[] {
  const failures = `cutover sweep --failures ${report.sweepId} ${where}`;
  const counts = report.dryRun
    ? `${report.moved} would be moved (whether the new pool's schema takes each one shows only then), ${report.alreadyInNewPool} already in the new pool, ${report.skipped} would be skipped (disabled, or signing in elsewhere).`
    : `${report.moved} moved, ${report.alreadyInNewPool} already in the new pool, ${report.failed} refused by the new pool, ${report.skipped} skipped (disabled, or signing in elsewhere).`;
  return [
    `${report.dryRun ? 'Dry-run of the sweep' : 'Sweep'} of ${migrationId}: ${report.status === 'SUCCEEDED' ? 'done' : 'STOPPED'}.`,
    `${report.scanned} user(s) of the old pool read: ${counts}`,
    `${report.usersPerSecond} users a second against a ceiling of ${report.quotaPerSecond}; ${report.throttled === 0 ? 'Cognito never throttled it' : `throttled ${report.throttled} time(s), each met with a back-off`}.`,
    ...(report.dryRun ? [] : [`Moved users reset their password at their next sign-in ("forgot password").`]),
    ...(report.failed + report.skipped > 0 && !report.dryRun
      ? [`Who was not moved, and why: ${failures}`]
      : []),
    ...(report.error
      ? [
          `Why it stopped: ${report.error}`,
          'Start the sweep again once fixed: it skips the users already moved.',
        ]
      : []),
  ];
}

export async function sweepReport(
  settings: SweepSettings,
  shards: readonly ShardProgress[],
  ledger: LedgerLocation,
  operatorsTopicArn: string,
  stopped?: { Error?: string | undefined; Cause?: string | undefined },
): Promise<SweepReport> {
  const report = sweepTotals(settings, shards, stopped);
  const { seconds: _s, usersPerSecond: _u, quotaPerSecond: _q, error: _e, ...totals } = report;
  await recordSweep(ledger, totals);
  if (!settings.dryRun) {
    metrics.addMetric('UsersSwept', MetricUnit.Count, report.moved);
    metrics.addMetric('SweepRefused', MetricUnit.Count, report.failed);
    metrics.publishStoredMetrics();
  }
  await named(
    'telling operators how the sweep went',
    aws.sns(settings.region).send(
      new PublishCommand({
        TopicArn: operatorsTopicArn,
        Subject: `[cutover] ${settings.migrationId} ${settings.dryRun ? 'sweep dry-run' : 'sweep'}: ${report.status === 'SUCCEEDED' ? `${report.moved} ${settings.dryRun ? 'to move' : 'moved'}` : 'stopped'}`,
        Message: sweepLines(report, settings.migrationId, `--stage ${settings.stage}`).join('\n'),
      }),
    ),
  );
  return report;
}
