import type { RehearsalReport, TimelineEntry } from '../local/report.ts';
import type { DryRunReport } from '../plan/dry-run.ts';
import { type GainedReport, gainedLines } from '../steps/gained-report.ts';
import type { Progress } from './execution.ts';

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
  LOCKED_OUT:
    "Another execution holds this migration's lock; nothing was changed. The failure above says whether it still runs and what to do.",
  FAILED: 'The cutover stopped without rolling back; see the failure above.',
};

/** A dry-run's report as an operator reads it, rehearsed (`mutatingCalls` counted) or deployed. */
export function dryRunSummary(
  migrationId: string | null,
  plan: DryRunReport,
  mutatingCalls?: number,
): string {
  return [
    `Dry-run of ${migrationId}: ${plan.ok ? 'the plan holds' : 'PROBLEMS FOUND'}`,
    ...plan.problems.map((p) => `  Problem: ${p}`),
    ...plan.drift.map((d) => `  Drift: ${d}`),
    ...(plan.runningCutover ? [`  A cutover of this migration is running: ${plan.runningCutover}`] : []),
    `On cutover day it would change ${plan.changes.length} resource(s):`,
    ...plan.changes.flatMap((c) => [
      `  ${c.resource}`,
      `      before: ${brief(c.before)}`,
      `      after:  ${brief(c.after)}`,
    ]),
    `Writes would be frozen for about ${plan.freezeWindowSeconds} s${plan.ttlDrainSeconds ? `, after a ${plan.ttlDrainSeconds} s TTL drain before the freeze` : ''}.`,
    ...(mutatingCalls === undefined ? [] : [`Mutating calls made by this dry-run: ${mutatingCalls}.`]),
    plan.ok
      ? 'Next: keep this dry-run on its schedule; run the cutover on the day.'
      : 'Next: fix each problem above, then run the dry-run again.',
  ].join('\n');
}

/** The dry-run's report as an operator reads it. */
export function planSummary(report: RehearsalReport): string {
  if (!report.plan) return summary(report);
  return dryRunSummary(report.migrationId, report.plan, report.mutatingCalls);
}

/** `Changed:` and each change, before → after, as the rehearsal and `cutover status` print them. */
function changeLines(
  changes: { resource: string; step: string; before: unknown; after: unknown; status: string }[],
) {
  if (changes.length === 0) return [];
  return [
    'Changed:',
    ...changes.flatMap((c) => [
      `  ${c.resource}  [${c.step}${c.status === 'restored' || c.status === 'not restored' ? `, ${c.status}` : ''}]`,
      `      before: ${brief(c.before)}`,
      `      after:  ${brief(c.after)}`,
    ]),
  ];
}

const failureLine = (f: { state: string; error: string; cause: string }) =>
  `Failed in ${f.state}: ${f.error}: ${f.cause}`;

export function summary(report: RehearsalReport): string {
  const lines = ['', `Status: ${report.status}${report.migrationId ? `  (${report.migrationId})` : ''}`];
  if (report.errors) {
    lines.push('Invalid plan:');
    for (const e of report.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  if (report.failure) lines.push(failureLine(report.failure));
  lines.push(...changeLines(report.changes));
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
  const { signedIn, requests, sessionsCut } = report.users;
  if (signedIn > 0) {
    lines.push(
      sessionsCut === 0
        ? `Signed-in users: ${signedIn}, none signed out (all ${requests} calls with a valid token accepted).`
        : `Signed-in users: ${signedIn}; ${sessionsCut} of their ${requests} calls refused while their token was valid: they were signed out by the cutover.`,
    );
  }
  if (report.gained) lines.push(...gainedSummary(report.gained));
  lines.push(
    `Simulated ${clock(report.simulatedSeconds)} in ${report.wallMilliseconds} ms, ${report.stateTransitions} state transitions, ${report.notifications.length} notification(s).`,
  );
  lines.push(NEXT[report.status]);
  return lines.join('\n');
}

// ---- a deployed execution, as `cutover status` prints it ---------------------------------------

/** `07:42:10 UTC` on the day the execution started (`day`), with the date in front on any other. */
function utc(isoTime: string, day?: string | null): string {
  const [date = '', rest = ''] = isoTime.split('T');
  const time = `${rest.slice(0, 8)} UTC`;
  return date === day?.slice(0, 10) ? time : `${date} ${time}`;
}

const FREEZE_EDGES: Record<string, string> = {
  RestrictWrites: 'RestrictWrites (write freeze starts)',
  ReleaseWrites: 'ReleaseWrites (write freeze ends)',
};

function progressBar(p: Progress, width = 24): string {
  const { position, total } = p.progress;
  const filled = total > 0 ? Math.round((position / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${position}/${total} states of the ${p.dryRun ? 'dry-run' : p.machine === 'rollback' ? 'rollback' : 'runbook'}`;
}

function title(p: Progress): string {
  const what = p.dryRun ? 'Dry-run' : p.machine === 'rollback' ? 'Rollback' : 'Cutover';
  return `${what} of ${p.migrationId ?? '(unknown migration)'} on stage ${p.stage} (${p.region})${p.startedAt ? `, started ${utc(p.startedAt)}` : ''}`;
}

function rollbackCommand(p: Progress): string {
  return `cutover rollback --migration-id ${p.migrationId ?? 'ID'} --stage ${p.stage} --region ${p.region}`;
}

/** What the operator does next, by how the execution stands. */
function nextStep(p: Progress): string {
  const watch = `cutover status ${p.executionArn} --watch`;
  switch (p.outcome) {
    case 'RUNNING':
      if (p.approval) return 'Next: answer the go/no-go with one of the two lines above.';
      if (p.machine === 'rollback')
        return `Next: follow it:  ${watch}\n  Do not stop a rollback: it would leave changes half-restored.`;
      return p.dryRun || p.failure
        ? `Next: follow it:  ${watch}`
        : `Next: follow it:  ${watch}\n  Stop it:    cutover abort ${p.executionArn}  (the rollback then starts by itself)`;
    case 'SUCCEEDED':
      return 'Every service is on the new pool and writes are open. Keep the old pool: users who have not signed in since still migrate from it.';
    case 'ROLLED_BACK':
      return p.machine === 'rollback'
        ? 'Every change it found is restored and the lock released. Fix the cause, rehearse it, then start the cutover again.'
        : 'Every change is restored. Fix the cause above, rehearse it (cutover rehearse --plan FILE --fail STATE), then start the cutover again.';
    case 'ROLLBACK_INCOMPLETE':
      return `Rollback could not restore everything: the operators' topic lists what remains (resource, current value, value to restore). Put those back by hand, then run \`${rollbackCommand(p)}\` to finish and release the lock.`;
    case 'INVALID_PLAN':
      return 'Fix the plan (`cutover validate FILE` names every bad field), then start again. Nothing was changed.';
    case 'LOCKED_OUT':
      return `Another execution holds this migration's lock; nothing was changed. The failure above names it and says whether it still runs; a lock whose holder has ended is stale and can be taken over with \`cutover start --take-over-lock ARN\`.`;
    case 'TIMED_OUT':
    case 'ABORTED':
      if (p.dryRun) return 'A dry-run changes nothing: run it again when ready.';
      if (!p.rollback)
        return `No Catch runs on a stop: the EventBridge rule starts the rollback by itself. Find it with \`cutover status --rollback --stage ${p.stage} --region ${p.region}\`; if none started, run \`${rollbackCommand(p)}\`.`;
      if (p.rollback.status === 'RUNNING')
        return `The rollback is restoring what this execution changed: follow it with \`cutover status ${p.rollback.executionArn} --watch\`.`;
      return p.rollback.status === 'SUCCEEDED'
        ? 'The rollback restored what this execution changed. Fix the cause, then start the cutover again.'
        : `The rollback ended ${p.rollback.status}: see \`cutover status ${p.rollback.executionArn}\`.`;
    case 'FAILED':
      return p.dryRun || p.machine === 'rollback'
        ? 'See the failure above; fix it, then run it again.'
        : `The execution failed without rolling back; see the failure above. If it changed anything, run \`${rollbackCommand(p)}\`.`;
  }
}

/** `cutover status`: the timeline in the rehearsal's words, then where the execution stands. */
export function statusView(p: Progress): string {
  const lines = [`Execution  ${p.executionArn}`, `Console    ${p.consoleUrl}`, title(p)];
  if (p.undoes) lines.push(`Undoes the changes of ${p.undoes}`);
  else if (p.machine === 'rollback')
    lines.push('Undoes every change of the migration that is not yet restored');
  lines.push('');
  lines.push(...p.timeline.map(timelineLine));
  lines.push(
    '',
    `Status: ${p.outcome}${p.migrationId ? `  (${p.migrationId})` : ''}  ${p.outcome === 'RUNNING' ? 'for' : 'after'} ${clock(p.elapsedSeconds)}`,
  );
  if (p.current) {
    const c = p.current;
    const of = c.waitSeconds !== null ? ` of ${c.waitSeconds} s` : '';
    lines.push(
      `Now: ${c.state} (${c.type}), for ${clock(c.seconds)}${of}${c.attempt > 1 ? `, attempt ${c.attempt}` : ''}`,
    );
  }
  if (p.approval) {
    const deadline = p.approval.deadline
      ? `; without an answer by ${utc(p.approval.deadline, p.startedAt)} (${p.approval.timeoutSeconds} s) it rolls back`
      : '';
    lines.push(`Waiting for the go/no-go for ${clock(p.approval.seconds)}${deadline}.`);
    lines.push(`  Go:    ${p.approval.approve}`);
    lines.push(`  No-go: ${p.approval.reject}`);
  }
  // Off the forward path the next states are alternatives (RolledBack or RollbackIncomplete), not a sequence.
  const joint = p.progress.offPath ? ' or ' : ' → ';
  if (p.upNext.length > 0) lines.push(`Up next: ${p.upNext.map((s) => FREEZE_EDGES[s] ?? s).join(joint)}`);
  const stopped = p.progress.offPath
    ? `; left the runbook after ${p.progress.lastOnPath}, ${p.outcome === 'RUNNING' ? 'now in' : 'ended in'} ${p.progress.offPath}`
    : '';
  lines.push(`Progress: ${progressBar(p)}${stopped}`);
  for (const r of p.retries)
    lines.push(`Retried: ${r.state} (attempt ${r.attempt}) after ${r.error}: ${r.cause}`);
  if (p.failure) lines.push(failureLine(p.failure));
  for (const c of p.caught) {
    if (c.state === p.failure?.state && c.error === p.failure.error) continue;
    lines.push(`Caught: ${c.state}: ${c.error}: ${c.cause}${c.next ? ` (went to ${c.next})` : ''}`);
  }
  if (p.ended && p.failure && (p.ended.state !== p.failure.state || p.ended.error !== p.failure.error))
    lines.push(`Ended in ${p.ended.state}: ${p.ended.error}: ${p.ended.cause}`);
  if (p.report) lines.push('', dryRunSummary(p.migrationId, p.report), '');
  lines.push(...changeLines(p.changes));
  if (p.restored && p.restored.length > 0) lines.push(`Restored: ${p.restored.join(', ')}`);
  if (p.notRestored.length > 0) lines.push(`Not restored: ${p.notRestored.join(', ')}`);
  if (p.rollback) {
    lines.push(
      `Rollback: ${p.rollback.executionArn} ${p.rollback.status} (started by ${p.rollback.startedBy})`,
    );
    lines.push(`  cutover status ${p.rollback.executionArn}`);
  }
  if (p.freeze) {
    const f = p.freeze;
    lines.push(
      f.status === 'not started'
        ? `Write freeze: ${p.outcome === 'RUNNING' ? 'not started yet' : 'never started'}`
        : f.status === 'on'
          ? `Write freeze: ON, ${f.seconds} s so far (since ${utc(f.since ?? '', p.startedAt)})${p.outcome === 'RUNNING' ? '' : '; it lasts until the rollback restores the frozen resources'}`
          : `Write freeze: ${f.seconds} s (${utc(f.since ?? '', p.startedAt)} to ${utc(f.until ?? '', p.startedAt)}, ended by ${f.endedBy})`,
    );
  }
  if (p.outcome !== 'RUNNING') {
    lines.push(
      `Ran ${clock(p.elapsedSeconds)}, ${p.stateTransitions} state transitions. Notifications are not in the execution history: the operators' topic has them.`,
    );
  }
  lines.push(p.report ? '' : nextStep(p));
  return lines
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n')
    .trimEnd();
}

/** What the new pool gained, in counts: the usernames are in --json and `cutover gained`. */
function gainedSummary(gained: GainedReport): string[] {
  if (gained.users === 0)
    return ['The new pool gained nobody while it served sign-in: nobody has anything to redo.'];
  return [
    `The new pool gained ${gained.users} user(s) while it served sign-in; after the rollback:`,
    ...gainedLines(gained).map((line) => `  ${line}`),
    '  Their usernames: --json (gained.list), or `cutover gained --migration-id ID --state-dir DIR` after a rehearsal with --state-dir.',
  ];
}
