import type { RehearsalReport, TimelineEntry } from '../local/runner.ts';

export function clock(seconds: number): string {
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  return [hh, mm, ss].map((n) => String(n).padStart(2, '0')).join(':');
}

export function timelineLine(entry: TimelineEntry): string {
  return `+${clock(entry.at)}  ${entry.state.padEnd(26)}${entry.outcome}`;
}

function brief(value: unknown): string {
  if (value === null || value === undefined) return '(absent)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

const NEXT: Record<RehearsalReport['status'], string> = {
  SUCCEEDED:
    'The plan holds. Next: run it against AWS (see README), or rehearse a failure with --fail STATE.',
  ROLLED_BACK: 'Every change is restored. Fix the cause above, rehearse again, then start the cutover.',
  ROLLBACK_INCOMPLETE:
    'Rollback could not restore everything: put back the resources listed as not restored, then release the lock.',
  INVALID_PLAN: 'Fix the fields listed above, then rehearse again. Nothing was changed.',
  FAILED: 'The cutover stopped without rolling back; see the failure above.',
};

interface DryRunReport {
  ok: boolean;
  problems: string[];
  drift: string[];
  changes: { resource: string; before: unknown; after: unknown }[];
  ttlDrainSeconds: number;
  freezeWindowSeconds: number;
}

/** The dry-run's report as an operator reads it. */
export function planSummary(report: RehearsalReport): string {
  const plan = report.plan as DryRunReport | undefined;
  if (!plan) return summary(report);
  return [
    `Dry-run of ${report.migrationId}: ${plan.ok ? 'the plan holds' : 'PROBLEMS FOUND'}`,
    ...plan.problems.map((p) => `  Problem: ${p}`),
    ...plan.drift.map((d) => `  Drift: ${d}`),
    `On cutover day it would change ${plan.changes.length} resource(s):`,
    ...plan.changes.flatMap((c) => [
      `  ${c.resource}`,
      `      before: ${brief(c.before)}`,
      `      after:  ${brief(c.after)}`,
    ]),
    `Writes would be frozen for about ${plan.freezeWindowSeconds} s${plan.ttlDrainSeconds ? `, after a ${plan.ttlDrainSeconds} s TTL drain before the freeze` : ''}.`,
    `Mutating calls made by this dry-run: ${report.mutatingCalls}.`,
    plan.ok
      ? 'Next: keep this dry-run on its schedule; run the cutover on the day.'
      : 'Next: fix each problem above, then run the dry-run again.',
  ].join('\n');
}

export function summary(report: RehearsalReport): string {
  const lines = ['', `Status: ${report.status}${report.migrationId ? `  (${report.migrationId})` : ''}`];
  if (report.errors) {
    lines.push('Invalid plan:');
    for (const e of report.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  if (report.failure)
    lines.push(`Failed in ${report.failure.state}: ${report.failure.error}: ${report.failure.cause}`);
  if (report.changes.length > 0) {
    lines.push('Changed:');
    for (const c of report.changes) {
      lines.push(`  ${c.resource}  [${c.step}${c.status === 'restored' ? ', restored' : ''}]`);
      lines.push(`      before: ${brief(c.before)}`);
      lines.push(`      after:  ${brief(c.after)}`);
    }
  }
  if (report.restored.length > 0)
    lines.push(`Restored: ${report.restored.map((r) => r.resource).join(', ')}`);
  if (report.status === 'SUCCEEDED') {
    const live = report.changes.filter((c) => c.status !== 'restored').length;
    lines.push(`On the new pool: ${live} resource(s) switched; the write freeze is lifted.`);
  } else if (report.status !== 'INVALID_PLAN') {
    lines.push(`World restored to its starting state: ${report.worldRestored ? 'yes' : 'no'}`);
    for (const d of report.drift) {
      lines.push(`  Not restored: ${d.resource}: was ${brief(d.expected)}, is ${brief(d.actual)}`);
    }
  }
  if (report.freezeWindowSeconds !== null) {
    const floor =
      report.status === 'SUCCEEDED' && report.freezeFloorSeconds !== null
        ? ` (floor ${report.freezeFloorSeconds} s)`
        : '';
    lines.push(`Write freeze: ${report.freezeWindowSeconds} s${floor}`);
  }
  lines.push(
    `Simulated ${clock(report.simulatedSeconds)} in ${report.wallMilliseconds} ms, ${report.stateTransitions} state transitions, ${report.notifications.length} notification(s).`,
  );
  lines.push(NEXT[report.status]);
  return lines.join('\n');
}
