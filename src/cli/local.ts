import {
  type Crash,
  type Fault,
  newSession,
  type RehearsalReport,
  rehearse,
  type Session,
} from '../local/runner.ts';
import { planSchema } from '../plan/schema.ts';
import { loadSandbox, saveSandbox } from '../sandbox/persist.ts';
import { taskStates } from '../statemachines/definition.ts';
import { EXIT, UsageError } from './exit.ts';
import type { Io } from './io.ts';
import { checkedPlan, readPlan, withTakeOver } from './plan-file.ts';
import { planSummary, type RenderOptions, summary } from './render.ts';
import { styleFor } from './style.ts';
import { stateColumn, TimelineView } from './timeline.ts';
import { type WorldFlags, worldOptions } from './world-flags.ts';

// The commands that run on this machine only, against the in-process sandbox.

export function exitCode(report: RehearsalReport): number {
  if (report.status === 'SUCCEEDED') return EXIT.SUCCEEDED;
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  if (report.status === 'LOCKED_OUT') return EXIT.BUSY;
  if (report.status === 'ROLLED_BACK' && report.worldRestored) return EXIT.ROLLED_BACK;
  return EXIT.OTHER;
}

/** The Task states this plan's run passes through: the ones a fault can hit. */
async function statesOnPath(plan: unknown): Promise<string[]> {
  const clean = await rehearse({ plan });
  if (clean.status === 'INVALID_PLAN') return taskStates();
  return clean.steps
    .filter((s) => s.status !== 'SKIPPED' && taskStates().includes(s.name))
    .map((s) => s.name);
}

/** The world an earlier command left in `dir` (`--state-dir`), or a new one from the plan. */
export function openSession(plan: unknown, dir: string | undefined, flags: WorldFlags = {}): Session {
  return (dir ? loadSandbox(dir) : undefined) ?? newSession(plan, worldOptions(flags));
}

export function closeSession(session: Session, dir: string | undefined): void {
  if (dir) saveSandbox(dir, session.sandbox, session.startingWorld);
}

/** The flags that bring a later command to the same sandbox: `--plan F`, and `--state-dir D` when kept. */
export function sandboxFlags(options: { plan?: string | undefined; stateDir?: string | undefined }): string {
  return `--plan ${options.plan ?? 'FILE'}${options.stateDir ? ` --state-dir ${options.stateDir}` : ''}`;
}

export interface RehearseOptions extends WorldFlags {
  plan?: string;
  stateDir?: string;
  fail: Fault[];
  abortAt?: string;
  timeoutAt?: string;
  autoRollback: boolean;
  rejectApproval?: boolean;
  failRestore?: string;
  approvalTimeout?: boolean;
  unhealthy?: boolean;
  unhealthyInGrace?: boolean;
  failTrigger?: boolean;
  crash?: Crash;
  takeOverLock?: string;
  json?: boolean;
  full?: boolean;
  listStates?: boolean;
}

export async function rehearseCommand(options: RehearseOptions, io: Io): Promise<number> {
  if (options.listStates) {
    const states = options.plan ? await statesOnPath(readPlan(options.plan)) : taskStates();
    io.out(`${states.join('\n')}\n`);
    return EXIT.SUCCEEDED;
  }
  if (!options.plan)
    throw new UsageError('Missing --plan FILE: the plan to rehearse, e.g. examples/plan.json.');
  const plan = withTakeOver(readPlan(options.plan), options.takeOverLock);
  if (options.abortAt && options.timeoutAt)
    throw new UsageError('Give --abort-at or --timeout-at, not both.');
  const named = [
    ...options.fail.map((f) => ['--fail', f.state] as const),
    ...(options.abortAt ? [['--abort-at', options.abortAt] as const] : []),
    ...(options.timeoutAt ? [['--timeout-at', options.timeoutAt] as const] : []),
    ...(options.crash ? [['--crash', options.crash.state] as const] : []),
  ];
  if (named.length > 0) {
    const allowed = await statesOnPath(plan);
    // --fail may also name a Task state of the rollback execution, e.g. rollback/Restore.
    const rollbackStates = taskStates('rollback').map((state) => `rollback/${state}`);
    const unknown = named.filter(
      ([flag, state]) => !allowed.includes(state) && !(flag === '--fail' && rollbackStates.includes(state)),
    );
    if (unknown.length > 0) {
      throw new UsageError(
        `${unknown.map(([flag, state]) => `${flag} ${state}`).join(', ')}: not a Task state this plan runs. Choose one of: ${allowed.join(', ')}.`,
      );
    }
  }
  for (const warning of idleFlags(plan, options)) io.err(`cutover: warning: ${warning}\n`);
  const stopState = options.abortAt ?? options.timeoutAt;
  if (!options.json)
    io.out(`Rehearsing ${options.plan} against the sandbox (no AWS calls leave this machine)\n\n`);
  const session = openSession(plan, options.stateDir, options);
  const view = new TimelineView(stateColumn(), styleFor(io));
  const report = await rehearse({
    plan,
    session,
    faults: options.fail,
    unhealthy: options.unhealthyInGrace ? 'grace' : (options.unhealthy ?? false),
    ...(stopState ? { stopAt: { state: stopState, kind: options.abortAt ? 'abort' : 'timeout' } } : {}),
    autoRollback: options.autoRollback,
    approval: options.rejectApproval ? 'reject' : options.approvalTimeout ? 'timeout' : 'approve',
    ...(options.failRestore ? { failRestore: options.failRestore } : {}),
    ...(options.failTrigger ? { failTrigger: true } : {}),
    ...(options.crash ? { crash: options.crash } : {}),
    ...(options.json ? {} : { onState: (entry) => lines(io, view.push(entry)) }),
  });
  closeSession(session, options.stateDir);
  lines(io, view.end());
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${summary(report, shape(io, options))}\n`);
  return exitCode(report);
}

/** Exit 2 when any plan is invalid, after naming every bad field of each. */
/** Checks every file it is given, one unreadable or invalid file not stopping the rest. */
export function validateCommand(files: string[], io: Io): number {
  let bad = 0;
  for (const file of files) {
    let raw: unknown;
    try {
      raw = readPlan(file);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.err(`${error.message}\n`);
      bad++;
      continue;
    }
    if (checkedPlan(file, raw, io)) io.out(`${file}: valid\n`);
    else bad++;
  }
  if (files.length > 1) io.out(`${files.length - bad} of ${files.length} plan(s) valid.\n`);
  return bad === 0 ? EXIT.SUCCEEDED : EXIT.USAGE;
}

export interface LocalPlanOptions extends WorldFlags {
  plan?: string;
  json?: boolean;
  full?: boolean;
}

/** The scheduled dry-run, rehearsed in the sandbox. */
export async function rehearsePlan(options: LocalPlanOptions, io: Io): Promise<number> {
  if (!options.plan)
    throw new UsageError(
      'Give --plan FILE to rehearse the dry-run in the sandbox, or --stage STAGE to run it on AWS.',
    );
  const plan = readPlan(options.plan);
  const dryRun = plan && typeof plan === 'object' && !Array.isArray(plan) ? { ...plan, dryRun: true } : plan;
  const report = await rehearse({
    plan: dryRun,
    world: worldOptions(options),
  });
  const found = report.plan;
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${planSummary(report, shape(io, options))}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  if (report.status !== 'SUCCEEDED' || !found) return EXIT.OTHER;
  return found.ok ? EXIT.SUCCEEDED : EXIT.PLAN_PROBLEMS;
}

export interface LocalRollbackOptions {
  plan?: string;
  migrationId: string;
  failRestore?: string;
  stateDir?: string;
  json?: boolean;
  full?: boolean;
}

/** An operator's rollback of a whole migration, rehearsed in the sandbox. */
export async function rehearseRollback(options: LocalRollbackOptions, io: Io): Promise<number> {
  if (!options.plan)
    throw new UsageError(
      'Give --plan FILE to rehearse the rollback in the sandbox, or --stage STAGE to start it on AWS.',
    );
  const plan = readPlan(options.plan);
  const session = openSession(plan, options.stateDir);
  if (!options.json) io.out(`Rolling back ${options.migrationId} in the sandbox\n\n`);
  const view = new TimelineView(stateColumn(), styleFor(io));
  const report = await rehearse({
    plan,
    session,
    rollbackOf: options.migrationId,
    ...(options.failRestore ? { failRestore: options.failRestore } : {}),
    ...(options.json ? {} : { onState: (entry) => lines(io, view.push(entry)) }),
  });
  closeSession(session, options.stateDir);
  lines(io, view.end());
  io.out(options.json ? `${JSON.stringify(report)}\n` : `${summary(report, shape(io, options))}\n`);
  if (report.status === 'INVALID_PLAN') return EXIT.USAGE;
  return report.status === 'ROLLED_BACK' && report.worldRestored ? EXIT.SUCCEEDED : EXIT.OTHER;
}

const lines = (io: Io, text: string[]) => {
  if (text.length > 0) io.out(`${text.join('\n')}\n`);
};

/** How a summary fits where it goes: wrapped and coloured on a terminal, whole lines elsewhere. */
function shape(
  io: Io,
  options: { plan?: string | undefined; stateDir?: string | undefined; full?: boolean | undefined },
): RenderOptions {
  return {
    full: options.full ?? false,
    ...(options.plan ? { planFile: options.plan } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    style: styleFor(io),
    width: io.columns,
  };
}

/** Flags that would rehearse nothing with this plan: said, so a rehearsal is not taken for a proof it is not. */
function idleFlags(raw: unknown, options: RehearseOptions): string[] {
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) return [];
  const plan = parsed.data;
  const idle: [boolean | undefined, string][] = [
    [
      options.rejectApproval && !plan.approval.required,
      '--reject-approval does nothing: the plan does not set approval.required, so nobody is asked.',
    ],
    [
      options.approvalTimeout && !plan.approval.required,
      '--approval-timeout does nothing: the plan does not set approval.required, so nobody is asked.',
    ],
    [
      options.unhealthyInGrace && !plan.grace.enabled,
      '--unhealthy-in-grace does nothing: grace.enabled is false, so there is no grace window to watch.',
    ],
    [
      options.driftDns && !plan.dns.expected,
      '--drift-dns does nothing: the plan has no dns.expected to find the record drifted from.',
    ],
    [
      options.serviceRoleDenied && !plan.services.some((s) => s.roleArn),
      '--service-role-denied does nothing: no service names a roleArn for Preflight to check.',
    ],
    [
      !options.autoRollback && !options.abortAt && !options.timeoutAt,
      '--no-auto-rollback does nothing without --abort-at or --timeout-at: only a stop leaves the rollback to the rule.',
    ],
  ];
  return idle.filter(([applies]) => applies).map(([, text]) => text);
}
