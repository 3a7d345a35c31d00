import type { RehearsalReport } from '../local/report.ts';
import type { DryRunReport } from '../plan/dry-run.ts';
import { type GainedReport, gainedLines } from '../steps/gained-report.ts';
import { differences } from './diff.ts';
import type { Progress } from './execution.ts';
import type { Style } from './style.ts';
import { clock, timelineLines } from './timeline.ts';

/** How the output is shaped: `full` prints every changed value whole, `plan` names the file in the next command. */
export interface RenderOptions {
  full?: boolean;
  planFile?: string;
  /** Where the sandbox's world is kept (`--state-dir`): a command that finishes a stop needs it. */
  stateDir?: string;
  style?: Style;
  /** A terminal's width: long lines wrap at words to it. Unset (a pipe, a log), lines stay whole for grep. */
  width?: number | undefined;
}

/** Wraps a long line at `width`, going on under its indent plus two; a fix stays readable in a terminal. */
export function wrap(line: string, width: number | undefined): string[] {
  if (width === undefined || line.length <= width) return [line];
  const indent = `${' '.repeat(line.length - line.trimStart().length)}  `;
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const at = rest.lastIndexOf(' ', width);
    if (at <= indent.length) break;
    out.push(rest.slice(0, at));
    rest = indent + rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/** The exact next command, by how the rehearsal ended. */
function nextFor(report: RehearsalReport, { planFile = 'FILE', stateDir }: RenderOptions): string {
  const id = report.migrationId ?? 'ID';
  // A stop is finished on the world it left, which only --state-dir keeps.
  const rollback = `cutover rollback --plan ${planFile} --migration-id ${id} --state-dir ${stateDir ?? 'DIR'}`;
  const finish = (what: string, then: string) =>
    stateDir
      ? `${what}${then}: ${rollback}`
      : `${what}. This world was not kept: rehearse again with --state-dir DIR, then: ${rollback}`;
  switch (report.status) {
    case 'SUCCEEDED':
      return `The plan holds. Next: cutover start --plan ${planFile} --stage STAGE   (or rehearse a failure: cutover rehearse --plan ${planFile} --fail STATE)`;
    case 'ROLLED_BACK':
      return nothingRestored(report)
        ? 'Nothing to do.'
        : `Every change is restored. Fix the cause above, then: cutover rehearse --plan ${planFile}`;
    case 'ROLLBACK_INCOMPLETE':
      return finish(
        'Rollback could not restore everything',
        ': put back what is listed as not restored, then',
      );
    case 'INVALID_PLAN':
      return `Nothing was changed. Fix the fields listed above, then: cutover validate ${planFile}`;
    case 'LOCKED_OUT':
      return "Another execution holds this migration's lock; nothing was changed. The failure above says whether it still runs; a stale one is taken over with --take-over-lock ARN.";
    case 'FAILED':
      return finish('The cutover stopped without rolling back', '. Next');
  }
}

/** A rollback that found nothing of the migration's left to restore: it changed nothing and told no one. */
const nothingRestored = (report: RehearsalReport) =>
  report.status === 'ROLLED_BACK' &&
  !report.failure &&
  report.changes.length === 0 &&
  report.restored.length === 0 &&
  report.timeline.some((e) => e.state.endsWith('NothingToRestore'));

/** A dry-run's report as an operator reads it, rehearsed (`mutatingCalls` counted) or deployed. */
export function dryRunSummary(
  migrationId: string | null,
  plan: DryRunReport,
  mutatingCalls?: number,
  options: RenderOptions = {},
): string {
  return [
    `Dry-run of ${migrationId}: ${plan.ok ? 'the plan holds' : 'PROBLEMS FOUND'}`,
    ...plan.problems.map((p) => `  Problem: ${p}`),
    ...plan.drift.map((d) => `  Drift: ${d}`),
    ...(plan.runningCutover ? [`  A cutover of this migration is running: ${plan.runningCutover}`] : []),
    ...(plan.changes.length === 0 && plan.preflight.some((c) => !c.ok)
      ? [
          'The changes were not computed: Preflight found the problems above, and the dry-run stops reading there.',
        ]
      : [
          `On cutover day it would change ${plan.changes.length} resource(s):`,
          ...plan.changes.flatMap((c) => [
            `  ${c.resource}`,
            ...differences(c.before, c.after, options.full).map((d) => `      ${d}`),
          ]),
        ]),
    `Writes would be frozen for about ${plan.freezeWindowSeconds} s${plan.ttlDrainSeconds ? `, after a ${plan.ttlDrainSeconds} s TTL drain before the freeze` : ''}.`,
    ...(mutatingCalls === undefined ? [] : [`Mutating calls made by this dry-run: ${mutatingCalls}.`]),
    plan.ok
      ? 'Next: keep this dry-run on its schedule; run the cutover on the day.'
      : 'Next: fix each problem above, then run the dry-run again.',
  ]
    .flatMap((line) => wrap(line, options.width))
    .join('\n');
}

/** The dry-run's report as an operator reads it. */
export function planSummary(report: RehearsalReport, options: RenderOptions = {}): string {
  if (!report.plan) return summary(report, options);
  return dryRunSummary(report.migrationId, report.plan, report.mutatingCalls, options);
}

/** `Changed:` and each change, what differs before → after, as the rehearsal and `cutover status` print them. */
function changeLines(
  changes: { resource: string; step: string; before: unknown; after: unknown; status: string }[],
  full = false,
) {
  if (changes.length === 0) return [];
  // All put back: which resources and keys is enough to read; --full shows the values.
  if (!full && changes.every((c) => c.status === 'restored')) {
    return [
      'Changed, and restored (--full shows the values):',
      ...changes.map((c) => {
        const keys = differences(c.before, c.after).map((d) => d.split(': ')[0]);
        return `  ${c.resource}  [${c.step}]  ${keys.join(', ')}`;
      }),
    ];
  }
  return [
    'Changed:',
    ...changes.flatMap((c) => {
      const head = `  ${c.resource}  [${c.step}${c.status === 'restored' || c.status === 'not restored' ? `, ${c.status}` : ''}]`;
      const diff = differences(c.before, c.after, full);
      // One difference fits beside its resource; more go under it.
      const [only] = diff;
      if (diff.length === 1 && only && head.length + only.length + 2 <= 100) return [`${head}  ${only}`];
      return [head, ...diff.map((d) => `      ${d}`)];
    }),
  ];
}

/** How the run ended, in the words of the case: a no-go, an unanswered go/no-go, an abort, a failure. */
function failureLines(f: { state: string; error: string; cause: string }): string[] {
  if (f.error === 'ApprovalRejected') return [`No-go at ${f.state}: ${f.cause}`];
  if (f.error === 'States.Timeout' && f.state === 'AwaitApproval')
    return ['Nobody answered the go/no-go within approval.timeoutSeconds (States.Timeout).'];
  if (f.error === 'ExecutionAborted') return [`Aborted: ${f.cause}`];
  if (f.error === 'ExecutionTimedOut') return [`Timed out: ${f.cause}`];
  return [`Failed in ${f.state}: ${f.error}`, ...(f.cause ? [`  ${f.cause}`] : [])];
}

const failureLine = (f: { state: string; error: string; cause: string }) => failureLines(f).join('\n');

/** The same failure retried in several places (shards of a Map) is one line, with how many times. */
export function retriedLines(retried: RehearsalReport['retried']): string[] {
  const alike = new Map<string, RehearsalReport['retried']>();
  for (const r of retried) {
    const key = JSON.stringify([r.state, r.error, r.cause]);
    const group = alike.get(key);
    if (group) group.push(r);
    else alike.set(key, [r]);
  }
  return [...alike.values()].flatMap((all) => {
    const [r] = all;
    if (!r) return [];
    const times =
      all.length === 1
        ? `(attempt ${r.attempt})`
        : `${all.length} times (up to attempt ${Math.max(...all.map((a) => a.attempt))})`;
    return [`Retried ${r.state} ${times} after ${r.error}: ${r.cause}`];
  });
}

/**
 * What the world check found. A change listed above as not restored, which the check finds just as
 * the change left it, is named, not shown again; anything else it finds (a canary left behind, a
 * value changed since) is shown key by key.
 */
function worldLines(report: RehearsalReport, full = false): string[] {
  const same = (d: RehearsalReport['drift'][number]) =>
    report.changes.some(
      (c) =>
        c.resource === d.resource &&
        c.status !== 'restored' &&
        differences(c.before, c.after).join() === differences(d.expected, d.actual).join(),
    );
  const named: string[] = [];
  const unexplained: RehearsalReport['drift'] = [];
  for (const d of report.drift) {
    if (same(d)) named.push(d.resource);
    else unexplained.push(d);
  }
  return [
    ...(named.length > 0 ? [`  Not restored, as changed above: ${named.join(', ')}`] : []),
    ...driftLines(unexplained, full),
  ];
}

/** Past this many, what is not restored is counted, not listed: --full or --json lists it all. */
const DRIFT_SHOWN = 10;

/** Each resource a rollback did not put back: the keys it differs in, from its starting value to now. */
export function driftLines(drift: RehearsalReport['drift'], full = false): string[] {
  const shown = full ? drift : drift.slice(0, DRIFT_SHOWN);
  const lines = shown.map(({ resource, expected, actual }) => {
    const how =
      expected === null
        ? 'was absent, is there now'
        : actual === null
          ? 'was there, is gone'
          : differences(expected, actual, full).join('; ');
    return `  Not restored: ${resource}  ${how}`;
  });
  const more = drift.length - shown.length;
  return more > 0 ? [...lines, `  … and ${more} more (--full or --json lists them all)`] : lines;
}

export function summary(report: RehearsalReport, options: RenderOptions = {}): string {
  const lines = ['', `Status: ${report.status}${report.migrationId ? `  (${report.migrationId})` : ''}`];
  if (report.errors) {
    lines.push('Invalid plan:');
    for (const e of report.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  if (report.failure) lines.push(...failureLines(report.failure));
  lines.push(...retriedLines(report.retried ?? []));
  if (nothingRestored(report)) {
    lines.push(
      `Nothing to restore: the ledger holds no change of ${report.migrationId} that is not restored already. Nothing was changed and no one was told.`,
    );
  }
  lines.push(...changeLines(report.changes, options.full));
  // Each change already says it was restored; only what was restored beyond them is listed.
  const listed = new Set(report.changes.map((c) => c.resource));
  const beyond = report.restored.filter((r) => !listed.has(r.resource));
  if (beyond.length > 0) lines.push(`Restored: ${beyond.map((r) => r.resource).join(', ')}`);
  if (report.status === 'SUCCEEDED') {
    const live = report.changes.filter((c) => c.status !== 'restored').length;
    lines.push(`On the new pool: ${live} resource(s) switched; the write freeze is lifted.`);
  } else if (report.status !== 'INVALID_PLAN' && !nothingRestored(report)) {
    lines.push(`World restored to its starting state: ${report.worldRestored ? 'yes' : 'no'}`);
    lines.push(...worldLines(report, options.full));
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
  lines.push(nextFor(report, options));
  return lines.flatMap((line) => wrap(line, options.width)).join('\n');
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
export function statusView(p: Progress, options: RenderOptions = {}): string {
  const lines = [`Execution  ${p.executionArn}`, `Console    ${p.consoleUrl}`, title(p)];
  if (p.undoes) lines.push(`Undoes the changes of ${p.undoes}`);
  else if (p.machine === 'rollback')
    lines.push('Undoes every change of the migration that is not yet restored');
  lines.push('');
  lines.push(...timelineLines(p.timeline, options.style));
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
    const { approvers, minApprovals } = p.approval;
    if (approvers.length > 0) {
      lines.push(
        `  ${minApprovals} of ${approvers.length} approver(s) must approve, each as themselves: ${approvers.join(', ')}`,
        `  In the console: Systems Manager → Automation → ${p.stage ? `cognito-cutover-${p.stage}-approval` : 'the approval'} (Waiting) → Approve/Deny`,
      );
    }
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
  if (p.report) lines.push('', dryRunSummary(p.migrationId, p.report, undefined, options), '');
  lines.push(...changeLines(p.changes, options.full));
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
