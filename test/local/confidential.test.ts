import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { SANDBOX_SECRET_MARK } from '../../src/sandbox/index.ts';
import { edited, example } from '../fixtures/plans.ts';

const world = { confidentialClients: true };

describe('app clients with a secret (confidential clients)', () => {
  it('the trigger and the canary sign in with SECRET_HASH: the cutover succeeds, the canary migrated', async () => {
    // Arrange
    const session = newSession(example, world);

    // Act
    const report = await rehearse({ plan: example, session });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    const newPool = session.sandbox.world.pools.get(example.newPool.userPoolId);
    const signIns = session.sandbox.calls.filter((c) => c.command === 'InitiateAuth');
    expect(signIns.length).toBeGreaterThan(0);
    expect(signIns.every((c) => c.error === undefined)).toBe(true);
    expect(newPool?.clients.get(example.newPool.appClientId)?.clientSecret).toBeDefined();
    // The secrets stay in Cognito: no report or notice carries them.
    const notices = session.sandbox.messages.map((m) => m.message).join('\n');
    expect(`${JSON.stringify(report)}\n${notices}`).not.toContain(SANDBOX_SECRET_MARK);
  });

  it('Preflight says which clients have a secret and who signs in through each, never the secret', async () => {
    // Act
    const report = await rehearse({
      plan: edited((p) => {
        p.dryRun = true;
      }),
      world,
    });

    // Assert
    const checks = (report.plan as { preflight: { check: string; detail: string }[] }).preflight;
    const detail = (name: string) => checks.find((c) => c.check.includes(name))?.detail ?? '';
    expect(detail('new pool app client')).toContain('has a client secret, so the canary sends SECRET_HASH');
    expect(detail('old pool migration client')).toContain(
      'has a client secret, so the migration trigger sends SECRET_HASH',
    );
    expect(JSON.stringify(report)).not.toContain(SANDBOX_SECRET_MARK);
  });
});
