import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { parsePlan } from '../../src/plan/schema.ts';
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

  describe('answered in the console by the approvers the plan names (Systems Manager Automation)', () => {
    const quorum = edited((p) => {
      p.approval.approvers = [
        'arn:aws:iam::111122223333:role/release-manager',
        'arn:aws:iam::111122223333:user/sre-lead',
      ];
      p.approval.minApprovals = 2;
    });
    const lines = (report: Awaited<ReturnType<typeof rehearse>>) =>
      report.timeline.filter((e) => e.state === 'AwaitApproval').map((e) => e.outcome);

    it('goes on only once two of two approvers have approved', async () => {
      const session = newSession(parsePlan(quorum));

      const report = await rehearse({ plan: quorum, session });

      expect(report.status).toBe('SUCCEEDED');
      expect(lines(report)).toEqual([
        'approved by role/release-manager (1 of 2)',
        'approved by user/sre-lead (2 of 2)',
        'ok',
      ]);
      const [approval] = session.sandbox.world.automations.values();
      expect(approval?.status).toBe('Success');
    });

    it('stops at one no-go, though the other approver approved', async () => {
      const report = await rehearse({ plan: quorum, approval: 'reject' });

      expect(report.status).toBe('ROLLED_BACK');
      expect(lines(report).slice(0, 2)).toEqual([
        'approved by role/release-manager (1 of 2)',
        'no-go from user/sre-lead',
      ]);
      expect(report.failure).toMatchObject({ state: 'AwaitApproval', error: 'ApprovalRejected' });
    });

    it('rolls back when the quorum is not reached in time, and cancels the approval still waiting', async () => {
      const session = newSession(parsePlan(quorum));

      const report = await rehearse({ plan: quorum, approval: 'timeout', session });

      expect(report.status).toBe('ROLLED_BACK');
      expect(report.failure).toMatchObject({ state: 'AwaitApproval', error: 'States.Timeout' });
      expect(lines(report)[0]).toBe('approved by role/release-manager (1 of 2)');
      const [approval] = session.sandbox.world.automations.values();
      expect(approval?.status).toBe('Cancelled');
    });
  });
});
