import { PublishCommand } from '@aws-sdk/client-sns';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { DryRunReport, DryRunState } from '../plan/dry-run.ts';
import type { Plan } from '../plan/schema.ts';
import type { StepContext } from './core/context.ts';

/** Route 53 reports INSYNC within about 60 s; the estimate assumes the worst of that. */
const INSYNC_SECONDS = 60;

/**
 * How long writes stay frozen: the switch reaching every Route 53 server, resolvers holding the old
 * answer for the cutover TTL (or what SwitchDns found), and the health gate's passes in a row.
 */
export function freezeWindowOf(plan: Plan, resolverWait = plan.dns.cutoverTtlSeconds): number {
  return INSYNC_SECONDS + resolverWait + (plan.health.requiredPasses - 1) * plan.health.intervalSeconds;
}

/**
 * The dry-run's last state: what the cutover would change, what is wrong, and how long writes
 * would be frozen. Sent to operators; `ok` is false when preflight or drift found a problem.
 */
export async function planReport(ctx: StepContext, state: DryRunState): Promise<DryRunReport> {
  const dnsChange = state.dnsSwitch ? [state.dnsSwitch.change] : [];
  const changes = [...(state.freeze?.changes ?? []), ...dnsChange, ...(state.services?.changes ?? [])]
    .filter((c) => c.planned)
    .map((c) => ({ resource: c.key, before: c.before, after: c.after }));
  const drift = state.dnsSwitch?.drift ?? [];
  const freezeWindowSeconds = freezeWindowOf(ctx.plan, state.dnsSwitch?.waitSeconds);
  // A stale lock would lock the cutover out on the day: found by the weekly dry-run, it is fixed before.
  const heldBy = state.lock?.heldBy;
  const lockProblems =
    heldBy && state.lock?.stale
      ? [
          `The migration lock is held by ${heldBy}, which is no longer running: a cutover would end LOCKED_OUT. Roll the migration back, or take the lock over (runbooks/troubleshooting.md, "Another execution holds the lock").`,
        ]
      : [];
  const problems = [...state.preflight.problems, ...lockProblems];
  const report: DryRunReport = {
    migrationId: ctx.plan.migrationId,
    ok: problems.length === 0 && drift.length === 0,
    problems,
    ...(heldBy && !state.lock?.stale ? { runningCutover: heldBy } : {}),
    preflight: state.preflight.checks ?? [],
    drift,
    changes,
    ttlDrainSeconds: state.dnsPrep?.lowered ? state.dnsPrep.drainSeconds : 0,
    freezeWindowSeconds,
  };
  const lines = [
    `Dry-run of ${ctx.plan.migrationId}: ${report.ok ? 'the plan holds' : 'PROBLEMS FOUND'}.`,
    ...report.problems.map((p) => `Problem: ${p}`),
    ...(report.runningCutover ? [`A cutover of this migration is running: ${report.runningCutover}.`] : []),
    ...report.drift.map((d) => `Drift: ${d}`),
    `${changes.length} change(s) on cutover day:`,
    ...changes.map((c) => `  ${c.resource}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`),
    `Writes would be frozen for about ${freezeWindowSeconds} s${report.ttlDrainSeconds ? `, after a ${report.ttlDrainSeconds} s TTL drain` : ''}.`,
  ];
  await named(
    'sending the dry-run report to operators',
    aws.sns(ctx.plan.region).send(
      new PublishCommand({
        TopicArn: ctx.plan.notify.operatorsTopicArn,
        Subject: `[cutover] ${ctx.plan.migrationId} dry-run: ${report.ok ? 'plan holds' : 'problems found'}`,
        Message: lines.join('\n'),
      }),
    ),
  );
  return report;
}
