import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/local/runner.ts';
import { edited, example } from '../fixtures/plans.ts';

// A record with a long TTL, so the preparation before the go/no-go changes something to undo.
const withLongTtl = edited((p) => {
  p.dns.target = { values: ['203.0.113.20'] };
});

describe('go/no-go before the write freeze', () => {
  it('asks operators with the task token and the list of changes, then goes on when approved', async () => {
    const report = await rehearse({ plan: example });

    const order = report.timeline.map((e) => e.state);
    expect(report.status).toBe('SUCCEEDED');
    expect(order.indexOf('AwaitApproval')).toBeLessThan(order.indexOf('RestrictWrites'));
    expect(report.notifications.map((n) => n.subject)).toContain(
      '[cutover] tis-prod-pool-v1-to-v2: go/no-go needed',
    );
  });

  it.each([
    ['a no-go', 'reject', 'ApprovalRejected'],
    ['no answer in time', 'timeout', 'States.Timeout'],
  ] as const)('%s undoes the preparation and ends with the world as it started', async (_name, approval, error) => {
    const report = await rehearse({ plan: withLongTtl, world: { recordTtl: 300 }, approval });

    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({ state: 'AwaitApproval', error });
    expect(report.changes.map((c) => [c.step, c.status])).toEqual([['PrepareDns', 'restored']]);
    expect(report.steps.find((s) => s.name === 'RestrictWrites')?.status).toBe('SKIPPED');
    expect(report.worldRestored).toBe(true);
  });

  it('waits no longer than approval.timeoutSeconds, and asks only once', async () => {
    const report = await rehearse({ plan: example, approval: 'timeout' });

    expect(report.steps.find((s) => s.name === 'AwaitApproval')?.attempts).toBe(1);
    expect(report.simulatedSeconds).toBeLessThan(1800 + 120);
  });

  it('skips the gate for a plan that does not require approval', async () => {
    const report = await rehearse({ plan: edited((p) => delete p.approval), approval: 'reject' });

    expect(report.status).toBe('SUCCEEDED');
    expect(report.steps.find((s) => s.name === 'AwaitApproval')?.status).toBe('SKIPPED');
  });
});
