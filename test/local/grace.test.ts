import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { secretValue } from '../../src/sandbox/index.ts';
import { example } from '../fixtures/plans.ts';

const OLD_POOL_ARN = 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_OldPool01';
const NEW_POOL_ARN = 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01';
const withoutGrace = { ...structuredClone(example), grace: { enabled: false } };

/** The pools the Reval API's deployed authorizer trusts now. */
function trusted(session: ReturnType<typeof newSession>): string[] {
  const api = session.sandbox.world.restApis.get('rv0api5678');
  const stage = api?.stages.get('prod');
  return api?.deployments.get(stage?.deploymentId ?? '')?.providerARNs.cogauth1 ?? [];
}

describe('the grace window in a rehearsal', () => {
  it('signs no one out: both pools are trusted until the old tokens expire, then the new pool alone', async () => {
    // Arrange
    const session = newSession(example);

    // Act
    const report = await rehearse({ plan: example, session });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(report.users).toMatchObject({ signedIn: 12, sessionsCut: 0 });
    expect(report.users.requests).toBeGreaterThan(0);
    expect(trusted(session)).toEqual([NEW_POOL_ARN]);
    // An hour of tokens plus five minutes, from the switch, polled every five minutes; the lock is held throughout.
    const at = (state: string) => report.timeline.filter((e) => e.state === state).map((e) => e.at);
    const switched = at('SwitchServices')[0] ?? 0;
    expect(at('WatchGrace')).toHaveLength(13);
    expect(at('RetireOldIssuer')[0]).toBeGreaterThanOrEqual(switched + 3900);
    expect(at('ReleaseLock')[0]).toBeGreaterThanOrEqual(at('RetireOldIssuer')[0] ?? Number.POSITIVE_INFINITY);
    // Writes were released before the window opened.
    expect(report.freezeWindowSeconds).toBeLessThan(300);
  });

  it('cuts every signed-in user when turned off, so the figure is honest', async () => {
    // Act
    const report = await rehearse({ plan: withoutGrace });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(report.users.sessionsCut).toBeGreaterThan(0);
    expect(report.timeline.map((e) => e.state)).not.toContain('WatchGrace');
  });

  it('rolls back when health fails while the window is open, and the old pool is again the only one trusted', async () => {
    // Arrange
    const session = newSession(example);

    // Act
    const report = await rehearse({ plan: example, session, unhealthy: 'grace' });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({ state: 'WatchGrace', error: 'UnhealthyInGraceWindow' });
    // The gate passed; the window's watch saw requiredPasses failing polls in a row.
    expect(report.timeline.filter((e) => e.state === 'WatchGrace').map((e) => e.outcome)).toEqual([
      expect.stringMatching(/^fail: .*, 1\/3 failed in a row$/),
      expect.stringMatching(/^fail: .*, 2\/3 failed in a row$/),
      expect.stringMatching(/^failed: UnhealthyInGraceWindow/),
      'caught, next: Rollback',
    ]);
    expect(report.worldRestored).toBe(true);
    expect(trusted(session)).toEqual([OLD_POOL_ARN]);
    expect(report.users.sessionsCut).toBe(0);
  });

  it('rolls back a failure while the window is open, and the old pool is again the only one trusted', async () => {
    // Arrange
    const session = newSession(example);

    // Act
    const report = await rehearse({
      plan: example,
      session,
      faults: [{ state: 'WatchGrace', kind: 'fail' }],
    });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.worldRestored).toBe(true);
    expect(trusted(session)).toEqual([OLD_POOL_ARN]);
    expect(report.users.sessionsCut).toBe(0);
  });

  describe('a binding read by a service that verifies tokens itself', () => {
    // UserManagement reads its pools from the secret: both while the window is open, then the new one.
    const holding = structuredClone(example);
    const secretBinding = holding.services[1].bindings[0];
    secretBinding.graceValue = '{{oldPool.userPoolId}},{{newPool.userPoolId}}';
    const SECRET = 'usermanagement-cognito-prod';
    const heldIn = (session: ReturnType<typeof newSession>) =>
      JSON.parse(secretValue(session.sandbox.world.secrets.get(SECRET)) ?? '{}').userPoolId;
    const redeploys = (session: ReturnType<typeof newSession>) =>
      session.sandbox.calls.filter((c) => c.command === 'UpdateService' && !c.error).length;

    it('holds both pools while the window is open, then the new pool alone, redeploying the service each time', async () => {
      // Arrange
      const session = newSession(holding);
      const seen: string[] = [];

      // Act
      const report = await rehearse({
        plan: holding,
        session,
        onState: (entry) => {
          if (entry.state === 'WatchGrace') seen.push(heldIn(session));
        },
      });

      // Assert
      expect(report.status).toBe('SUCCEEDED');
      expect(new Set(seen)).toEqual(new Set(['eu-west-2_OldPool01,eu-west-2_NewPool01']));
      expect(heldIn(session)).toBe('eu-west-2_NewPool01');
      expect(redeploys(session)).toBe(2);
      // The lock is held until the second redeploy has taken effect.
      const states = report.timeline.map((e) => e.state);
      expect(states.indexOf('CheckRetired')).toBeGreaterThan(states.indexOf('RetireOldIssuer'));
      expect(states.indexOf('ReleaseLock')).toBeGreaterThan(states.indexOf('CheckRetired'));
    });

    it('redeploys once when no binding holds a grace value', async () => {
      // Arrange
      const session = newSession(example);

      // Act
      const report = await rehearse({ plan: example, session });

      // Assert
      expect(redeploys(session)).toBe(1);
      expect(report.timeline.map((e) => e.state)).not.toContain('CheckRetired');
    });

    it('puts back the old pool alone when the window fails', async () => {
      // Arrange
      const session = newSession(holding);

      // Act
      const report = await rehearse({ plan: holding, session, unhealthy: 'grace' });

      // Assert
      expect(report.status).toBe('ROLLED_BACK');
      expect(report.worldRestored).toBe(true);
      expect(heldIn(session)).toBe('eu-west-2_OldPool01');
    });
  });
});
