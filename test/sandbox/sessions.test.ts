import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../src/sandbox/build.ts';
import { CALL_INTERVAL_MS, sessionsSeen } from '../../src/sandbox/sessions.ts';
import { START, type World } from '../../src/sandbox/world.ts';
import { NEW_POOL, OLD_POOL, samplePlan } from './plan.ts';

const plan = samplePlan();
const arnOf = (world: World, id: string) => world.pools.get(id)?.arn ?? '';

/** The authorizer's stage moves, `after` ms from START, to a deployment trusting only `pools`. */
function redeploy(world: World, after: number, pools: string[]): void {
  for (const api of world.restApis.values()) {
    for (const authorizer of api.authorizers.values()) {
      const id = `d${api.deployments.size}`;
      api.deployments.set(id, { id, createdAt: START + after, providerARNs: { [authorizer.id]: pools } });
      for (const stage of api.stages.values()) stage.history.push({ at: START + after, deploymentId: id });
    }
  }
}

describe('signed-in users in the sandbox', () => {
  it('call each guarded API once a minute until their token expires, and none is refused when nothing changes', () => {
    // Arrange
    const world = buildWorld(plan);

    // Act
    const seen = sessionsSeen(world, START);

    // Assert: 12 tokens issued 0, 5, ... 55 minutes before START, valid 60 minutes, so the i-th calls
    // 60 − 5i more times, once a minute; one authorizer.
    expect(seen.signedIn).toBe(12);
    const calls = Array.from({ length: 12 }, (_, i) => (60 * 60_000 - 5 * i * 60_000) / CALL_INTERVAL_MS);
    expect(seen.requests).toBe(calls.reduce((a, b) => a + b));
    expect(seen.sessionsCut).toBe(0);
  });

  it('counts every call refused while the token was valid once the authorizer stops trusting its pool', () => {
    // Arrange
    const world = buildWorld(plan);
    redeploy(world, 10 * 60_000, [arnOf(world, NEW_POOL)]);

    // Act
    const seen = sessionsSeen(world, START);

    // Assert: from minute 10 on, every remaining call of every session is refused.
    expect(seen.sessionsCut).toBeGreaterThan(0);
    expect(seen.sessionsCut).toBe(
      world.sessions.reduce((cut, s) => {
        const from = Math.max(START + 10 * 60_000, s.issuedAt);
        return cut + Math.max(0, Math.ceil((s.expiresAt - from) / CALL_INTERVAL_MS));
      }, 0),
    );
  });

  it('refuses nothing while the authorizer trusts both pools', () => {
    // Arrange
    const world = buildWorld(plan);
    redeploy(world, 10 * 60_000, [arnOf(world, OLD_POOL), arnOf(world, NEW_POOL)]);
    redeploy(world, 61 * 60_000, [arnOf(world, NEW_POOL)]);

    // Act
    const seen = sessionsSeen(world, START);

    // Assert
    expect(seen.sessionsCut).toBe(0);
  });
});
