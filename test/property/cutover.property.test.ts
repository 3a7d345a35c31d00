import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { type Plan, parsePlan } from '../../src/plan/schema.ts';
import { machine, taskStates } from '../../src/statemachines/definition.ts';
import { ttlBudget } from '../../src/steps/preflight.ts';
import { plans, type Schedule, scheduleArbitrary } from '../fixtures/arbitraries.ts';
import { lockHeld, notRestored, notSwitched, observeBefore } from '../support/outcome.ts';

/**
 * The one promise that matters: a cutover ends fully switched (SUCCEEDED, every binding and the
 * record on the new side, the freeze lifted where callers see it, nothing else changed) or fully
 * restored (ROLLED_BACK, no drift, every stage serving what it served, ECS redeployed after the
 * values it reads were put back), with the lock free; nothing else, and SUCCEEDED whenever nothing
 * that should stop it was injected. No restore fault is injected here (failRestore), so
 * ROLLBACK_INCOMPLETE is a failure too.
 *
 * Plans never name one resource twice (see arbitraries.ts); an authorizer on the frozen REST API
 * uses the freeze's own stage, since on another stage the property fails: findings.test.ts.
 */

// FC_SEED / FC_PATH replay a counterexample fast-check printed; FC_NUM_RUNS runs a longer search.
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 500);
const replay = {
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
};

// Faults target the Task states on the forward path. An abort or the execution timeout may also
// land in a Wait (the health gate's interval is where a cutover spends its time), a Choice, or the
// Rollback task; not in a Succeed or Fail state, where the execution has already ended.
const TASK_STATES = taskStates();
const STOP_STATES = Object.entries(machine('cutover').definition.States)
  .filter(([, state]) => state.Type !== 'Succeed' && state.Type !== 'Fail')
  .map(([name]) => name);

/**
 * Nothing that should stop a cutover was injected: throttling only, a function that dies once at
 * most (the retry makes its change whole), and the go/no-go (if asked) is a go.
 */
function clean(plan: Plan, schedule: Schedule): boolean {
  return (
    schedule.faults.every((f) => f.kind === 'throttle') &&
    (schedule.crash?.times ?? 1) === 1 &&
    schedule.stopAt === undefined &&
    !schedule.unhealthy &&
    (schedule.approval === 'approve' || !plan.approval.required)
  );
}

/** The plan's own limits let a healthy cutover through: the gate can pass in time, the old TTL fits. */
function passable(plan: Plan, recordTtl: number | undefined, recordShape: string | undefined): boolean {
  const { requiredPasses, intervalSeconds, deadlineSeconds } = plan.health;
  // Poll k runs at (k − 1) × interval and fails the gate at the deadline unless it is the k-th pass.
  const gateCanPass = (requiredPasses - 2) * intervalSeconds < deadlineSeconds;
  const shape = recordShape ?? ('values' in plan.dns.target ? 'values' : 'alias');
  const ttl = shape === 'values' ? (recordTtl ?? 300) : 60;
  const ttlFits = shape === 'alias' || ttl <= plan.dns.cutoverTtlSeconds || ttl <= ttlBudget(plan);
  return gateCanPass && ttlFits;
}

describe('a cutover ends fully switched or fully restored, never in between', () => {
  it(`holds for ${NUM_RUNS} random plans × fault schedules`, async () => {
    // What the runs covered, so that a generator gone wrong (every plan refused, say) cannot pass unnoticed.
    const seen = { succeeded: 0, rolledBack: 0, rolledBackAfterSwitching: 0, diedMidChange: 0 };
    await fc.assert(
      fc.asyncProperty(
        plans(),
        scheduleArbitrary(TASK_STATES, STOP_STATES),
        async ({ plan: input, world }, schedule) => {
          // Arrange
          const plan = parsePlan(input);
          const session = newSession(input, world);
          const before = observeBefore(session.sandbox.world, plan);

          // Act
          const report = await rehearse({ plan: input, world, session, ...schedule });

          // Assert
          const after = session.sandbox.world;
          const problems =
            report.status === 'SUCCEEDED'
              ? notSwitched(plan, after, before, report.drift)
              : report.status === 'ROLLED_BACK'
                ? [
                    ...(report.worldRestored ? [] : ['worldRestored is false']),
                    ...report.drift.map((d) => `${d.resource} not restored: ${JSON.stringify(d.actual)}`),
                    ...notRestored(plan, after, before, session),
                  ]
                : [`ended ${report.status}: ${JSON.stringify(report.failure)}`];
          if (await lockHeld(session, plan)) problems.push('the migration lock is still held');
          if (
            report.status !== 'SUCCEEDED' &&
            clean(plan, schedule) &&
            passable(plan, world.recordTtl, world.recordShape)
          ) {
            problems.push(
              `nothing was injected, yet it ended ${report.status}: ${JSON.stringify(report.failure)}`,
            );
          }
          expect(problems).toEqual([]);
          if (report.status === 'SUCCEEDED') seen.succeeded++;
          if (report.status === 'ROLLED_BACK') seen.rolledBack++;
          if (
            report.status === 'ROLLED_BACK' &&
            report.changes.some((c) => c.step === 'SwitchServices' && c.status === 'restored')
          )
            seen.rolledBackAfterSwitching++;
          // A function that died in a change: the ledger held it begun when the next attempt came.
          const crashed = schedule.crash && report.steps.find((s) => s.name === schedule.crash?.state);
          if (crashed && crashed.attempts > 1) seen.diedMidChange++;
        },
      ),
      { numRuns: NUM_RUNS, ...replay },
    );

    if (NUM_RUNS >= 100 && !replay.path) {
      expect(seen.succeeded).toBeGreaterThan(NUM_RUNS / 10);
      expect(seen.rolledBack).toBeGreaterThan(NUM_RUNS / 10);
      expect(seen.rolledBackAfterSwitching).toBeGreaterThan(NUM_RUNS / 20);
      expect(seen.diedMidChange).toBeGreaterThan(NUM_RUNS / 40);
    }
  }, 900_000);
});
