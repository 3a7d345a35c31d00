import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/local/runner.ts';
import { example } from '../fixtures/plans.ts';

// Every Task state the example passes through, as `--list-states --plan` reports them.
const clean = await rehearse({ plan: example });
const states = clean.steps.filter((s) => s.status === 'SUCCEEDED').map((s) => s.name);

describe('a cutover stopped from outside: no Catch runs, the EventBridge rule starts the rollback', () => {
  it.each(
    states.flatMap((state) => [[state, 'abort'] as const, [state, 'timeout'] as const]),
  )('%s:%s ends rolled back with the world as it started', async (state, kind) => {
    // Act
    const report = await rehearse({ plan: example, stopAt: { state, kind } });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({
      state,
      error: kind === 'abort' ? 'ExecutionAborted' : 'ExecutionTimedOut',
    });
    expect(report.drift).toEqual([]);
    expect(report.worldRestored).toBe(true);
  });

  it('runs the rollback state machine, which releases the lock the stopped execution held', async () => {
    const report = await rehearse({ plan: example, stopAt: { state: 'CheckHealth', kind: 'timeout' } });

    expect(report.steps.filter((s) => s.name.startsWith('rollback/')).map((s) => s.name)).toEqual(
      expect.arrayContaining(['rollback/LoadMigration', 'rollback/Restore', 'rollback/ReleaseLock']),
    );
    expect(report.notifications.map((n) => n.subject)).toContain('Sign-in maintenance was called off');
  });

  it('with --no-auto-rollback leaves the world as the stop left it', async () => {
    const report = await rehearse({
      plan: example,
      stopAt: { state: 'CheckHealth', kind: 'abort' },
      autoRollback: false,
    });

    expect(report.status).toBe('FAILED');
    expect(report.worldRestored).toBe(false);
    expect(report.drift.map((d) => d.resource)).toContain('ssm-parameter:/reval/prod/cognito-user-pool-id');
  });
});

describe('a restore that keeps failing', () => {
  it('ends ROLLBACK_INCOMPLETE, restores everything else, and tells operators what remains', async () => {
    // Act
    const report = await rehearse({
      plan: example,
      faults: [{ state: 'CheckHealth', kind: 'fail' }],
      failRestore: 'secret',
    });

    // Assert
    expect(report.status).toBe('ROLLBACK_INCOMPLETE');
    expect(report.drift.map((d) => d.resource)).toEqual(['secret:usermanagement-cognito-prod']);
    expect(report.restored.map((r) => r.resource)).toContain(
      'ssm-parameter:/reval/prod/cognito-user-pool-id',
    );
    expect(report.notifications.map((n) => n.subject)).toContain(
      '[cutover] tis-prod-pool-v1-to-v2 ROLLBACK INCOMPLETE: action needed',
    );
    expect(report.steps.find((s) => s.name === 'rollback/ReleaseLock')?.status ?? 'SKIPPED').toBe('SKIPPED');
  });
});
