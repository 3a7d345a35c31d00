import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Crash, LEDGER_TABLE, rehearse } from '../../src/local/runner.ts';
import type { WorldOptions } from '../../src/sandbox/index.ts';
import { edited } from '../fixtures/plans.ts';
import { type Dynalite, sessionOnDynalite, startDynalite } from '../support/dynalite.ts';
import { lockHeld, notRestored, notSwitched, observeBefore } from '../support/outcome.ts';

// A task's function dies half way through a change, with the ledger on dynalite:
//   before: the ledger holds the snapshot (`pending`), AWS never got the call;
//   after:  AWS applied the call, the ledger never heard it was applied.
// Either way the next attempt, or the rollback, must find the world as the ledger says it may be.

// A plain record with a TTL above the plan's cutover TTL, so PrepareDns lowers it: a change of its
// own to crash in.
const WORLD: WorldOptions = { recordTtl: 300 };
/** The states that change resources, in runbook order. */
const CHANGING = ['PrepareDns', 'RestrictWrites', 'SwitchDns', 'SwitchServices', 'ReleaseWrites'];
const MOMENTS = ['before', 'after'] as const;

let db: Dynalite;
let runs = 0;
beforeAll(async () => {
  db = await startDynalite();
  await db.createLedger(LEDGER_TABLE);
});
afterAll(() => db?.stop());

const setUp = () =>
  sessionOnDynalite(
    edited((p) => {
      p.migrationId = `crash-${++runs}`;
      p.dns.target = { values: ['192.0.2.20'] };
      p.dns.expected = { values: ['192.0.2.10'] };
    }),
    WORLD,
  );

let cleanMutations = 0;
beforeAll(async () => {
  const { plan, session } = setUp();
  cleanMutations = (await rehearse({ plan, session, world: WORLD })).mutatingCalls;
});

describe.each(CHANGING)('a function that dies in %s', (state) => {
  it.each(
    MOMENTS,
  )('%s AWS applies its change, once: the retry makes that change whole and the cutover succeeds', async (at) => {
    // Arrange
    const { plan, session } = setUp();
    const before = observeBefore(session.sandbox.world, plan);
    const crash: Crash = { state, at, times: 1 };

    // Act
    const report = await rehearse({ plan, session, world: WORLD, crash });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(report.steps.find((s) => s.name === state)?.attempts).toBe(2);
    expect(notSwitched(plan, session.sandbox.world, before, report.drift)).toEqual([]);
    // The write it died in is made again, whole (it may have been half made); nothing else is.
    // An adapter that patches only what differs sends nothing for the half already made.
    expect(report.mutatingCalls).toBeGreaterThanOrEqual(cleanMutations);
    expect(report.mutatingCalls).toBeLessThanOrEqual(cleanMutations + (at === 'after' ? 1 : 0));
    expect(await lockHeld(session, plan)).toBe(false);
  });

  it.each(
    MOMENTS,
  )('%s AWS applies its change, on every attempt: the rollback restores the world as it was', async (at) => {
    // Arrange
    const { plan, session } = setUp();
    const before = observeBefore(session.sandbox.world, plan);
    const crash: Crash = { state, at, times: 2 };

    // Act
    const report = await rehearse({ plan, session, world: WORLD, crash });

    // Assert
    expect(report.failure).toMatchObject({ state, error: 'Lambda.Unknown' });
    expect(report).toMatchObject({ status: 'ROLLED_BACK', worldRestored: true, drift: [] });
    expect(notRestored(plan, session.sandbox.world, before, session)).toEqual([]);
    expect(report.changes.filter((c) => c.status !== 'restored')).toEqual([]);
    expect(await lockHeld(session, plan)).toBe(false);
  });
});
