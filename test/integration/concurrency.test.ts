import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_TABLE, type RehearsalReport, rehearse } from '../../src/local/runner.ts';
import { edited } from '../fixtures/plans.ts';
import { type Dynalite, sessionOnDynalite, startDynalite } from '../support/dynalite.ts';
import { lockHeld, notSwitched, observeBefore } from '../support/outcome.ts';

// Whole rehearsals with the ledger on dynalite: every other service is the sandbox, DynamoDB is
// a real implementation over HTTP, shared by every execution of the world as the deployed table is.

const cutoverArn = (name: string) =>
  `arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-cutover:${name}`;

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
  await db.createLedger(LEDGER_TABLE);
});
afterAll(() => db?.stop());

/** The example plan under a migration id of its own, in a world whose ledger is dynalite. */
const setUp = (migrationId: string) =>
  sessionOnDynalite(
    edited((p) => {
      p.migrationId = migrationId;
    }),
  );

const ledgerOf = async (migrationId: string) =>
  (await db.items(LEDGER_TABLE)).filter((i) => i.pk === migrationId);

describe('two cutovers of one migration on one ledger', () => {
  it('locks the second out at once, changing nothing, while the first goes on to switch everything', async () => {
    // Arrange: the first holds the lock and waits at its go/no-go when the second is started.
    const { plan, session } = setUp('concurrent-cutovers');
    const before = observeBefore(session.sandbox.world, plan);
    let second: RehearsalReport | undefined;
    let ledgerAround: unknown[] = [];

    // Act
    const first = await rehearse({
      plan,
      session,
      approval: async () => {
        const ledgerBefore = await ledgerOf(plan.migrationId);
        second = await rehearse({ plan, session });
        ledgerAround = [ledgerBefore, await ledgerOf(plan.migrationId)];
        return 'approve';
      },
    });

    // Assert: the second failed fast, in AcquireLock, naming the first as still running.
    expect(second?.status).toBe('LOCKED_OUT');
    expect(second?.failure).toMatchObject({ state: 'AcquireLock', error: 'CutoverInProgress' });
    expect(second?.failure?.cause).toContain(`locked by ${cutoverArn('rehearsal')}`);
    expect(second?.failure?.cause).toContain('which is still RUNNING. Nothing was changed.');
    const ran = second?.steps.filter((s) => s.attempts > 0).map((s) => s.name) ?? [];
    expect(ran.filter((s) => !s.startsWith('rollback/'))).toEqual(['ValidatePlan', 'AcquireLock']);
    // The rule starts a rollback of the second (FAILED); it leaves the first's lock and changes alone.
    expect(ran).toContain('rollback/Restore');
    expect(second?.mutatingCalls).toBe(0);
    expect(second?.notifications).toEqual([]);
    const [ledgerBefore, ledgerAfter] = ledgerAround;
    expect(ledgerAfter).toEqual(ledgerBefore);
    // ...and the first did not notice.
    expect(first.status).toBe('SUCCEEDED');
    expect(notSwitched(plan, session.sandbox.world, before, first.drift)).toEqual([]);
    expect(await lockHeld(session, plan)).toBe(false);
  });
});

describe('a lock whose holder is no longer running', () => {
  it('is reported as stale with what the holder left; a rollback of the migration restores it and frees the lock', async () => {
    // Arrange: a cutover stopped in its health gate, and the rule that would roll it back never ran.
    const { plan, session } = setUp('stale-with-changes');
    const stopped = await rehearse({
      plan,
      session,
      stopAt: { state: 'CheckHealth', kind: 'abort' },
      autoRollback: false,
    });

    // Act
    const refused = await rehearse({ plan, session });
    const rolledBack = await rehearse({ plan, session, rollbackOf: plan.migrationId });
    const again = await rehearse({ plan, session });

    // Assert
    expect(stopped.status).toBe('FAILED');
    expect(refused.status).toBe('LOCKED_OUT');
    expect(refused.failure?.cause).toMatch(
      new RegExp(
        `locked by ${cutoverArn('rehearsal')} since .*, which ended ABORTED at .*\\. The lock is stale and nothing was changed\\.`,
      ),
    );
    expect(refused.failure?.cause).toMatch(
      /It left \d+ change\(s\) not restored \(.*route53-record:.* applied/,
    );
    expect(refused.failure?.cause).toContain(`--take-over-lock ${cutoverArn('rehearsal')}`);
    expect(refused.mutatingCalls).toBe(0);
    expect(rolledBack).toMatchObject({ status: 'ROLLED_BACK', worldRestored: true });
    expect(again.status).toBe('SUCCEEDED');
  });

  it('is taken over only when the plan names its holder, and the new cutover then runs to the end', async () => {
    // Arrange: a cutover stopped right after it took the lock; it changed nothing.
    const { plan, session } = setUp('stale-without-changes');
    const before = observeBefore(session.sandbox.world, plan);
    await rehearse({ plan, session, stopAt: { state: 'Preflight', kind: 'timeout' }, autoRollback: false });
    const holder = cutoverArn('rehearsal');

    // Act
    const refused = await rehearse({ plan, session });
    const namingAnother = await rehearse({
      plan: { ...plan, takeOverLockFrom: cutoverArn('someone-else') },
      session,
    });
    const tookOver = await rehearse({ plan: { ...plan, takeOverLockFrom: holder }, session });

    // Assert
    expect(refused.status).toBe('LOCKED_OUT');
    expect(refused.failure?.cause).toContain('which ended TIMED_OUT');
    expect(refused.failure?.cause).toContain('It left no change that is not restored.');
    expect(namingAnother.status).toBe('LOCKED_OUT');
    expect(refused.mutatingCalls + namingAnother.mutatingCalls).toBe(0);
    expect(tookOver.failure).toBeNull();
    expect(tookOver.status).toBe('SUCCEEDED');
    expect(notSwitched(plan, session.sandbox.world, before, tookOver.drift)).toEqual([]);
    expect(await lockHeld(session, plan)).toBe(false);
  });
});
