import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { secretValue } from '../../src/sandbox/index.ts';
import { example } from '../fixtures/plans.ts';

const OLD_POOL = 'eu-west-2_OldPool01';
const NEW_POOL = 'eu-west-2_NewPool01';

describe('the canary sign-in in a rehearsal', () => {
  it('passes through the real UserMigration trigger, and leaves the new pool without the canary', async () => {
    // Arrange
    const session = newSession(example);

    // Act
    const report = await rehearse({ plan: example, session });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    const calls = session.sandbox.calls.filter((c) => !c.error);
    // Each of the three passing polls of the health gate, and each of the grace window's 13, signed in
    // through the new pool, and the trigger checked the password against the old pool, then copied the user.
    const polls = report.timeline.filter((e) => e.state === 'CheckHealth' || e.state === 'WatchGrace');
    expect(polls).toHaveLength(16);
    expect(calls.filter((c) => c.command === 'InitiateAuth')).toHaveLength(16);
    expect(
      calls.filter(
        (c) =>
          c.command === 'AdminInitiateAuth' && 'UserPoolId' in c.input && c.input.UserPoolId === OLD_POOL,
      ),
    ).toHaveLength(16);
    // The only users the new pool keeps are the people who signed in or up while it served.
    const kept = [...(session.sandbox.world.pools.get(NEW_POOL)?.users.values() ?? [])];
    expect(kept.filter((u) => !u.arrived)).toEqual([]);
    expect(session.sandbox.compare(session.startingWorld).map((d) => d.resource)).not.toContainEqual(
      expect.stringMatching(/^cognito-user:/),
    );
  });

  it("with --fail-trigger, fails the health gate on the incident's own words and rolls everything back", async () => {
    // Act
    const report = await rehearse({ plan: example, failTrigger: true });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.steps.find((s) => s.name === 'Preflight')?.status).toBe('SUCCEEDED');
    expect(report.failure).toMatchObject({ state: 'CheckHealth', error: 'HealthDeadlineExceeded' });
    expect(report.failure?.cause).toContain('NotAuthorizedException: Incorrect username or password.');
    expect(report.failure?.cause).toContain('logs for MigrationMisconfigured');
    expect(report.worldRestored).toBe(true);
  });

  it('never puts the canary password in the report or the notifications', async () => {
    // Arrange
    const session = newSession(example);
    const secret = secretValue(session.sandbox.world.secrets.get('tis-cutover-canary')) ?? '';
    const { password } = JSON.parse(secret) as { password: string };

    // Act
    const report = await rehearse({ plan: example, session, failTrigger: true });

    // Assert
    expect(password).toBeTruthy();
    expect(JSON.stringify(report)).not.toContain(password);
    expect(JSON.stringify(session.sandbox.messages)).not.toContain(password);
  });
});
