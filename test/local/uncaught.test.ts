import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/local/runner.ts';
import { edited, example } from '../fixtures/plans.ts';

// Every Task state the example passes through, as `--list-states --plan` reports them.
const clean = await rehearse({ plan: example });
const states = clean.steps.filter((s) => s.status === 'SUCCEEDED').map((s) => s.name);

describe('a failure no Catch sees: the EventBridge rule on FAILED starts the rollback', () => {
  it.each(states)('%s:uncatchable ends rolled back with the world as it started', async (state) => {
    // Act
    const report = await rehearse({ plan: example, faults: [{ state, kind: 'uncatchable' }] });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({ state, error: 'States.Runtime' });
    // No Catch ran: the cutover never reached its Rollback task; the rule's rollback did the work.
    expect(report.timeline.filter((e) => e.state === 'Rollback')).toEqual([]);
    expect(report.steps.map((s) => s.name)).toContain('rollback/LoadMigration');
    expect(report.drift).toEqual([]);
    expect(report.worldRestored).toBe(true);
  });

  it('a state output over 256 KiB ends the execution with States.DataLimitExceeded, which the rule rolls back', async () => {
    // Arrange: a valid plan whose parameter names are so long that SwitchServices' result, which
    // names each one, cannot fit in a state.
    const long = (n: number) => `/reval/prod/${String(n).padStart(4, '0')}/${'p'.repeat(1900)}`;
    const plan = edited((p) => {
      p.services = Array.from({ length: 12 }, (_, s) => ({
        name: `service-${s}`,
        bindings: Array.from({ length: 5 }, (_, b) => ({ kind: 'ssm-parameter', name: long(s * 10 + b) })),
      }));
    });

    // Act
    const report = await rehearse({ plan });

    // Assert
    expect(report.failure).toMatchObject({ error: 'States.DataLimitExceeded' });
    expect(report.failure?.cause).toMatch(/over the 262144-byte payload quota/);
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.worldRestored).toBe(true);
  });

  it("after the cutover's own rollback, the rollback the rule starts finds nothing and tells no one", async () => {
    // Act
    const report = await rehearse({ plan: example, faults: [{ state: 'SwitchServices', kind: 'fail' }] });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    const second = report.timeline.filter((e) => e.state.startsWith('rule-rollback/'));
    expect(second.map((e) => e.state)).toContain('rule-rollback/Restore');
    const subjects = report.notifications.map((n) => n.subject);
    expect(subjects.filter((s) => s === 'Sign-in maintenance was called off')).toHaveLength(1);
    expect(subjects.filter((s) => s?.endsWith('rolled back'))).toHaveLength(1);
    expect(report.worldRestored).toBe(true);
  });

  it('an invalid plan ends FAILED in ValidatePlan, and the rollback the rule starts finds nothing to restore', async () => {
    // Act
    const report = await rehearse({
      plan: edited((p) => {
        delete p.dns.hostedZoneId;
      }),
    });

    // Assert
    expect(report.status).toBe('INVALID_PLAN');
    expect(report.timeline.map((e) => e.state)).toContain('rollback/NothingToRestore');
    expect(report.notifications).toEqual([]);
  });
});

describe('a function that runs past its own timeout: Sandbox.Timedout, retried as the step is idempotent', () => {
  it.each([
    'PrepareDns',
    'RestrictWrites',
    'SwitchDns',
    'SwitchServices',
    'ReleaseWrites',
  ])('%s:function-timeout still succeeds, and waits for what the first attempt left', async (state) => {
    // Act
    const report = await rehearse({ plan: example, faults: [{ state, kind: 'function-timeout' }] });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(report.steps.find((s) => s.name === state)?.attempts).toBe(2);
    // Retried, it is not how the run ended: the report lists it as retried.
    expect(report.failure).toBeNull();
    expect(report.retried).toEqual([
      expect.objectContaining({ state, error: 'Sandbox.Timedout', attempt: 2 }),
    ]);
    const pending =
      state === 'SwitchServices' ? 'CheckServices' : state === 'SwitchDns' ? 'CheckDnsSync' : '';
    if (pending) expect(report.steps.find((s) => s.name === pending)?.status).toBe('SUCCEEDED');
  });

  it("the rollback's Restore timing out is retried, and the rollback still waits for DNS and the redeploy", async () => {
    // Act
    const report = await rehearse({
      plan: example,
      faults: [
        { state: 'CheckHealth', kind: 'fail' },
        { state: 'rollback/Restore', kind: 'function-timeout' },
      ],
    });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.steps.find((s) => s.name === 'rollback/Restore')?.attempts).toBe(2);
    const after = report.timeline.map((e) => e.state);
    expect(after).toContain('rollback/CheckDnsSync');
    expect(after).toContain('rollback/CheckServices');
    expect(report.drift).toEqual([]);
  });
});
