import { afterEach, describe, expect, it } from 'vitest';
import { LEDGER_TABLE } from '../../src/local/runner.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { Sandbox, type WorldOptions } from '../../src/sandbox/index.ts';
import { seedPopulation } from '../../src/sandbox/population.ts';
import { setQuota } from '../../src/sandbox/services/cognito-quotas.ts';
import { FRESH, type ShardProgress } from '../../src/steps/core/sweep.ts';
import { type SweepCall, sweepUsers } from '../../src/steps/sweep-users.ts';
import { DEFAULT_LEGACY_SUB_ATTRIBUTE } from '../../src/triggers/attributes.ts';
import { example } from '../fixtures/plans.ts';

const plan = parsePlan(example);
let sandbox: Sandbox;
afterEach(() => sandbox.uninstall());

/** A world of 2000 old-pool users; shard `00` holds the seeded people and the canary too. */
function call(progress: ShardProgress = FRESH, perSecond = 50): SweepCall {
  return {
    settings: {
      sweepId: 'sweep-1',
      migrationId: plan.migrationId,
      stage: 'prod',
      region: plan.region,
      oldUserPoolId: plan.oldPool.userPoolId,
      newUserPoolId: plan.newPool.userPoolId,
      perSecond,
      workers: 10,
      dryRun: false,
      toleratedFailurePercent: 5,
      startedAt: new Date(sandbox.clock.now()).toISOString(),
    },
    shard: '00',
    progress,
    ledger: { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId },
    carry: { attributes: 'all', legacySubAttribute: DEFAULT_LEGACY_SUB_ATTRIBUTE },
  };
}

function world(options: WorldOptions = {}) {
  sandbox = Sandbox.fromPlan(plan, { ledgerTable: LEDGER_TABLE, ...options }).install();
  seedPopulation(sandbox.world, plan, { users: 2000 });
  return sandbox.world.pools.get(plan.newPool.userPoolId);
}

describe('sweepUsers', () => {
  it("moves its worker's share of a second (50 a second over 10 workers: 5), then waits a second", async () => {
    // Arrange
    const moved = world();
    const before = moved?.users.size ?? 0;

    // Act
    const progress = await sweepUsers(call());

    // Assert
    expect(progress).toMatchObject({
      scanned: 5,
      moved: 5,
      skip: 0,
      done: false,
      waitSeconds: 1,
      backoff: 0,
    });
    expect(progress.next).not.toBeNull();
    expect(moved?.users.size).toBe(before + 5);
  });

  it('stops at the user Cognito throttled, backs off, and the next call resumes there, moving nobody twice', async () => {
    // Arrange: two creations a second left for the sweep.
    const moved = world();
    setQuota(sandbox.world, 'UserCreation', 2);
    const before = moved?.users.size ?? 0;

    // Act
    const throttled = await sweepUsers(call());
    sandbox.clock.advance(throttled.waitSeconds);
    const resumed = await sweepUsers(call(throttled));

    // Assert
    expect(throttled).toMatchObject({
      moved: 2,
      skip: 2,
      next: null,
      throttled: 1,
      backoff: 2,
      waitSeconds: 2,
    });
    expect(resumed).toMatchObject({ moved: 4, skip: 4, throttled: 2, backoff: 4, waitSeconds: 4 });
    expect(moved?.users.size).toBe(before + 4);
  });

  it('counts a refused user once, after the ledger keeps them: a throttled ledger write is done again, not counted twice', async () => {
    // Arrange: the new pool's schema lacks custom:tenant, so every user is refused.
    world({ attributeMismatch: true });
    sandbox.failNext(
      'DynamoDB',
      'PutItem',
      Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );

    // Act
    const throttled = await sweepUsers(call());
    sandbox.clock.advance(throttled.waitSeconds);
    const resumed = await sweepUsers(call(throttled));

    // Assert
    expect(throttled).toMatchObject({ failed: 0, skip: 0, throttled: 1 });
    expect(resumed).toMatchObject({ failed: 5, scanned: 5, skip: 0 });
  });
});
