import './environment.ts';
import './polyfill.ts';

import { dryRunReportSchema } from '../plan/dry-run.ts';
import { planIssues, planSchema } from '../plan/schema.ts';
import { Sandbox, type WorldOptions } from '../sandbox/index.ts';
import { emptyWorld } from '../sandbox/world.ts';
import { planInput } from '../steps/validate-plan.ts';
import type { RehearsalOptions, Session } from './options.ts';
import { Rehearsal } from './rehearsal.ts';
import { ENDINGS, type RehearsalReport, type RehearsalStatus, reportOf } from './report.ts';

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
