import './environment.ts';
import './polyfill.ts';

import { noticeSentAt } from '../ledger/notices.ts';
import { dryRunReportSchema } from '../plan/dry-run.ts';
import { planIssues, planSchema } from '../plan/schema.ts';
import { Sandbox, type WorldOptions } from '../sandbox/index.ts';
import { type Population, seedPopulation } from '../sandbox/population.ts';
import { emptyWorld } from '../sandbox/world.ts';
import { announceSweep } from '../steps/announce-sweep.ts';
import { announcement, DAY_MS } from '../steps/start-sweep.ts';
import type { SweepReport } from '../steps/sweep-report.ts';
import { planInput } from '../steps/validate-plan.ts';
import type { RehearsalOptions, Session } from './options.ts';
import { Rehearsal } from './rehearsal.ts';
import {
  ENDINGS,
  type RehearsalReport,
  type RehearsalStatus,
  reportOf,
  type TimelineEntry,
} from './report.ts';

export { type Crash, FAULT_KINDS, type Fault, type FaultKind, PAYLOAD_QUOTA_BYTES } from './faults.ts';
export type { ApprovalAnswer, RehearsalOptions, Session } from './options.ts';
export type { RehearsalReport, RehearsalStatus, StepReport, TimelineEntry } from './report.ts';

/** A new world for `plan`: every resource exists and is wired right. */
export function newSession(plan: unknown, world?: WorldOptions): Session {
  const parsed = planSchema.safeParse(planInput(plan));
  // An invalid plan describes no world; it stops in ValidatePlan before touching one.
  const sandbox = parsed.success
    ? Sandbox.fromPlan(parsed.data, { ledgerTable: LEDGER_TABLE, ...world })
    : new Sandbox(emptyWorld('eu-west-2', '123456789012'));
  return { sandbox, startingWorld: sandbox.snapshot() };
}

/** The ledger table every rehearsal world has, and the handlers are told of. */
export const LEDGER_TABLE = 'cognito-cutover-rehearsal-ledger';

/**
 * Runs the deployed cutover definition, with the deployed handlers, against an in-process AWS,
 * and reports what it did, what it left and how long writes were frozen.
 */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const started = performance.now();
  const parsed = planSchema.safeParse(planInput(options.plan));
  const plan = parsed.success ? parsed.data : undefined;
  const { sandbox, startingWorld } = options.session ?? newSession(options.plan, options.world);
  sandbox.unhealthy = options.unhealthy === true;
  // A carried-over session has answered earlier commands' calls: report only this rehearsal's.
  const earlier = { calls: sandbox.calls.length, messages: sandbox.messages.length };
  const rehearsal = new Rehearsal(options, sandbox, plan?.region ?? 'eu-west-2', LEDGER_TABLE);
  sandbox.install();
  try {
    const run = await rehearsal.run();
    const status: RehearsalStatus =
      run.succeeded && !options.rollbackOf ? 'SUCCEEDED' : (ENDINGS[run.endedIn ?? ''] ?? 'FAILED');
    // A dry-run's output carries PlanReport's result: the report the operator reads.
    const dryRun =
      plan?.dryRun && run.succeeded
        ? dryRunReportSchema.parse((run.output as { report?: unknown }).report)
        : undefined;
    return await reportOf(
      rehearsal.trace,
      { status, dryRun, simulatedSeconds: rehearsal.since() },
      {
        plan,
        errors: parsed.success ? undefined : planIssues(parsed.error),
        ledgerTable: LEDGER_TABLE,
        sandbox,
        startingWorld,
        world: options.world,
        earlier,
        started,
      },
    );
  } finally {
    sandbox.uninstall();
  }
}

/** What a rehearsed sweep did: the sweep's own report, and what running it took here. */
export interface SweepRehearsal {
  status: 'SUCCEEDED' | 'STOPPED' | 'INVALID_PLAN' | 'NOT_DUE' | 'FAILED';
  /** The sweep machine's report (SweepReport's), when it got that far. */
  report?: SweepReport;
  errors?: { path: string; message: string }[];
  error?: string;
  /** Old-pool users the rehearsal's world held (the population asked for, when the world is new). */
  users: number;
  simulatedSeconds: number;
  transitions: number;
  wallMs: number;
  /** Peak resident memory of this process so far, in MB. */
  peakRssMB: number;
  /** The world it ran in, for `--state-dir`. */
  session?: Session;
}

/**
 * Rehearses the sweep over an old pool of `population.users` users (some signed in already, some the
 * new pool refuses, some disabled), weeks after the cutover: the clock starts at the plan's
 * `finish.sweepAfter` when it is later. The deployed sweep machine and handlers run against the
 * sandbox, whose Cognito keeps to its request-rate quotas.
 */
export async function rehearseSweep(options: {
  plan: unknown;
  population: Population;
  dryRun?: boolean;
  /** Tell users first, as the plan asks (default); false rehearses a sweep nobody announced. */
  announce?: boolean;
  onState?: (entry: TimelineEntry) => void;
  session?: Session;
}): Promise<SweepRehearsal> {
  const started = performance.now();
  const parsed = planSchema.safeParse(planInput(options.plan));
  let users = options.population.users;
  const figures = () => ({
    users,
    wallMs: Math.round(performance.now() - started),
    // The process's high-water mark: a rehearsal in a process of its own (the CLI, the bench) is measured alone.
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  if (!parsed.success) {
    return {
      status: 'INVALID_PLAN',
      errors: planIssues(parsed.error),
      simulatedSeconds: 0,
      transitions: 0,
      ...figures(),
    };
  }
  const plan = parsed.data;
  const session = options.session ?? newSession(plan);
  const { sandbox } = session;
  // The report is the sweep's own counts; a record of every call would be the largest thing in memory.
  sandbox.recordCalls = false;
  seedPopulation(sandbox.world, plan, options.population);
  users = sandbox.world.pools.get(plan.oldPool.userPoolId)?.users.size ?? users;
  const after = plan.finish.sweepAfter ? Date.parse(plan.finish.sweepAfter) : 0;
  const ledger = { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId };
  // As operators would: users are told as early as the plan asks (`cutover sweep --announce`), then
  // the clock runs on to the cut-off. A world where they were told already (`--state-dir`) is not told again.
  if (!options.dryRun && options.announce !== false && after > 0) {
    const tellAt = after - plan.finish.announceDaysAhead * DAY_MS;
    if (tellAt > sandbox.clock.now()) sandbox.clock.advance((tellAt - sandbox.clock.now()) / 1000);
    sandbox.install();
    try {
      if (!(await noticeSentAt(ledger, announcement(plan.finish.sweepAfter ?? ''))))
        await announceSweep(plan, ledger);
    } finally {
      sandbox.uninstall();
    }
  }
  if (after > sandbox.clock.now()) sandbox.clock.advance((after - sandbox.clock.now()) / 1000);
  const rehearsal = new Rehearsal(
    {
      plan,
      sweep: { dryRun: options.dryRun === true },
      ...(options.onState ? { onState: options.onState } : {}),
    },
    sandbox,
    plan.region,
    LEDGER_TABLE,
  );
  sandbox.install();
  try {
    const run = await rehearsal.run();
    const base = { simulatedSeconds: rehearsal.since(), transitions: rehearsal.trace.transitions, session };
    if (run.succeeded)
      return { status: 'SUCCEEDED', report: run.output as SweepReport, ...base, ...figures() };
    const failure = rehearsal.trace.failure;
    const status =
      failure?.error === 'SweepNotDue' ? 'NOT_DUE' : run.endedIn === 'SweepFailed' ? 'STOPPED' : 'FAILED';
    return {
      status,
      ...(failure ? { error: `${failure.error}: ${failure.cause}` } : {}),
      ...base,
      ...figures(),
    };
  } finally {
    sandbox.uninstall();
  }
}
