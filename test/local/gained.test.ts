import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { example } from '../fixtures/plans.ts';

// People use the new pool while the front end serves it (src/sandbox/arrivals.ts): a rollback an
// hour later has users to count, and must not lose them silently.

describe('what a rollback says the new pool gained', () => {
  it('counts who signed up, was migrated or changed something, and lists each with what they meet now', async () => {
    // Arrange
    const session = newSession(example);

    // Act
    const report = await rehearse({ plan: example, session, unhealthy: true });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.worldRestored).toBe(true);
    const gained = report.gained;
    expect(gained?.signedUp).toBeGreaterThan(0);
    expect(gained?.migrated).toBeGreaterThan(0);
    expect(gained?.changed).toBeGreaterThan(0);
    expect(gained?.users).toBe((gained?.signedUp ?? 0) + (gained?.migrated ?? 0) + (gained?.changed ?? 0));
    expect(gained?.list).toHaveLength(gained?.users ?? -1);
    expect(gained?.list.find((u) => u.category === 'signedUp')?.after).toContain('must sign up again');
    // Every one of them is still in the new pool: counting changes nothing.
    const newPool = session.sandbox.world.pools.get(example.newPool.userPoolId);
    expect(gained?.list.every((u) => newPool?.users.has(u.username))).toBe(true);
  });

  it("reads the new pool at the plan's ListUsers rate, a second at a time, and is never throttled", async () => {
    // Arrange
    const session = newSession(example);
    const { listUsersPerSecond } = parsePlan(example).quotas;

    // Act
    const report = await rehearse({ plan: example, session, unhealthy: true });

    // Assert
    const perSecond = new Map<number, number>();
    for (const call of session.sandbox.calls) {
      if (
        call.command !== 'ListUsers' ||
        !String((call.input as { Filter?: string }).Filter).startsWith('sub ^=')
      )
        continue;
      const second = Math.floor(call.at / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    // Sixteen shards, each read at least once: more than one second's worth at the plan's rate.
    expect([...perSecond.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(listUsersPerSecond);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(listUsersPerSecond);
    expect(report.retried).toEqual([]);
  });

  it('gives operators and users the counts, never a username', async () => {
    // Arrange
    const session = newSession(example);

    // Act
    const report = await rehearse({ plan: example, session, unhealthy: true });

    // Assert
    const notices = session.sandbox.messages.map((m) => m.message);
    const rolledBack = notices.find((m) => m.includes('The new pool gained'));
    expect(rolledBack).toContain(`The new pool gained ${report.gained?.users} user(s)`);
    expect(rolledBack).toContain('cutover gained --migration-id tis-prod-pool-v1-to-v2');
    expect(notices.some((m) => m.includes('please do it again'))).toBe(true);
    for (const user of report.gained?.list ?? []) {
      expect(notices.join('\n')).not.toContain(user.username);
    }
  });

  it('counts nothing when the cutover succeeds, and nothing twice when a second rollback finds nothing left', async () => {
    // Act
    const succeeded = await rehearse({ plan: example });
    const failed = await rehearse({ plan: example, faults: [{ state: 'SwitchServices', kind: 'fail' }] });

    // Assert
    expect(succeeded.gained).toBeNull();
    expect(failed.status).toBe('ROLLED_BACK');
    const states = failed.timeline.map((e) => e.state);
    expect(states).toContain('rollback/CountGained');
    expect(states).not.toContain('rule-rollback/CountGained');
    // A minute and a half of the new front end: nobody arrived yet, and the report says so.
    expect(failed.gained).toMatchObject({ users: 0, list: [] });
  });
});
