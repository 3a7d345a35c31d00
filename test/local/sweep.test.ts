import { TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { listSwept } from '../../src/ledger/sweeps.ts';
import { LEDGER_TABLE, newSession, rehearseSweep } from '../../src/local/runner.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { setQuota } from '../../src/sandbox/services/cognito-quotas.ts';
import { customString } from '../../src/sandbox/services/cognito-schema.ts';
import { example } from '../fixtures/plans.ts';

const plan = parsePlan(example);
const USERS = 2000;

function pools(session: ReturnType<typeof newSession>) {
  const { world } = session.sandbox;
  const old = world.pools.get(plan.oldPool.userPoolId);
  const moved = world.pools.get(plan.newPool.userPoolId);
  if (!old || !moved) throw new Error('the example world has both pools');
  return { old, moved };
}

/** Every old-pool user who can be moved (enabled, and carrying nothing the new pool refuses). */
const movable = (session: ReturnType<typeof newSession>) =>
  [...pools(session).old.users.values()].filter((u) => u.enabled && !('custom:employee_id' in u.attributes));

describe('the sweep, rehearsed', () => {
  it('moves every movable user once, RESET_REQUIRED, with their old sub and groups, and lists who it did not', async () => {
    // Arrange
    const session = newSession(plan);

    // Act
    const result = await rehearseSweep({ plan: example, population: { users: USERS }, session });

    // Assert
    expect(result.status).toBe('SUCCEEDED');
    const { old, moved } = pools(session);
    for (const user of movable(session)) {
      const there = moved.users.get(user.username);
      expect(there?.attributes['custom:legacy_sub'], user.username).toBe(user.sub);
      expect(there?.groups).toEqual(user.groups);
    }
    expect(result.report).toMatchObject({
      scanned: old.users.size,
      moved: movable(session).length - 192,
      alreadyInNewPool: 192,
      failed: 4,
      skipped: 4,
      quotaPerSecond: 50,
    });
    const resetRequired = [...moved.users.values()].filter((u) => u.status === 'RESET_REQUIRED');
    expect(resetRequired).toHaveLength(result.report?.moved ?? -1);
    session.sandbox.install();
    const listed = await listSwept({
      table: LEDGER_TABLE,
      region: plan.region,
      migrationId: plan.migrationId,
    });
    session.sandbox.uninstall();
    expect(listed.map((u) => u.outcome).sort()).toEqual([
      ...Array(4).fill('refused'),
      ...Array(4).fill('skipped'),
    ]);
    expect(listed.find((u) => u.outcome === 'refused')?.reason).toContain('custom:employee_id');
  });

  it('keeps to the quota: no more than 50 users a second, and no throttling at its own pace', async () => {
    // Act
    const result = await rehearseSweep({ plan: example, population: { users: USERS } });

    // Assert
    expect(result.report?.usersPerSecond).toBeLessThanOrEqual(50);
    expect(result.report?.usersPerSecond).toBeGreaterThan(35);
    expect(result.report?.throttled).toBe(0);
  });

  it('meets a throttling storm with back-off, and still moves everyone', async () => {
    // Arrange: the account's sign-ups use most of UserCreation, leaving the sweep 20 a second.
    const session = newSession(plan);
    setQuota(session.sandbox.world, 'UserCreation', 20);

    // Act
    const result = await rehearseSweep({ plan: example, population: { users: USERS }, session });

    // Assert
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.throttled).toBeGreaterThan(0);
    expect(result.report?.usersPerSecond).toBeLessThanOrEqual(20);
    const { moved } = pools(session);
    expect(
      movable(session).every((u) => moved.users.get(u.username)?.status !== 'FORCE_CHANGE_PASSWORD'),
    ).toBe(true);
    expect(movable(session).every((u) => moved.users.has(u.username))).toBe(true);
  });

  it("retries a batch whose read failed for a moment (the state's Retry), and finishes", async () => {
    // Arrange
    const session = newSession(plan);
    session.sandbox.failNext(
      'CognitoIdentityProvider',
      'ListUsers',
      new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }),
    );

    // Act
    const result = await rehearseSweep({ plan: example, population: { users: 300 }, session });

    // Assert
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.scanned).toBe(pools(session).old.users.size);
  });

  it('stops when the new pool refuses a whole shard, and, started again once fixed, moves the rest and nobody twice', async () => {
    // Arrange: the new pool's schema lacks custom:tenant, which every user carries; enough users
    // that a shard passes the 50 it must see before it judges.
    const users = 15_000;
    const session = newSession(plan, { attributeMismatch: true });
    const stopped = await rehearseSweep({ plan: example, population: { users }, session });
    const { moved } = pools(session);
    const before = moved.users.size;
    moved.schema.push(customString('tenant', 64));

    // Act
    const again = await rehearseSweep({ plan: example, population: { users }, session });

    // Assert
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.error).toContain('SweepFailing');
    expect(before).toBe(1440);
    expect(again.status).toBe('SUCCEEDED');
    expect(movable(session).every((u) => moved.users.has(u.username))).toBe(true);
    expect(again.report?.moved).toBe(movable(session).length - before);
    expect(again.report?.alreadyInNewPool).toBe(before);
  }, 60_000); // two sweeps of 15,000 users: about 8 s alone, more beside other files

  it('stops, naming the error, when a batch fails for good', async () => {
    // Arrange
    const session = newSession(plan);
    session.sandbox.failAlways(
      'CognitoIdentityProvider',
      'ListUsers',
      Object.assign(new Error('not authorized to perform cognito-idp:ListUsers'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act
    const result = await rehearseSweep({ plan: example, population: { users: 300 }, session });

    // Assert
    expect(result.status).toBe('STOPPED');
    expect(result.error).toContain('AccessDenied');
    expect([...pools(session).moved.users.values()].some((u) => u.status === 'RESET_REQUIRED')).toBe(false);
  });

  it('counts as a dry-run and changes nothing', async () => {
    // Arrange
    const session = newSession(plan);

    const result = await rehearseSweep({ plan: example, population: { users: 500 }, session, dryRun: true });
    const { old, moved } = pools(session);
    const disabled = [...old.users.values()].filter((u) => !u.enabled).length;

    // Assert
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report).toMatchObject({
      dryRun: true,
      moved: old.users.size - moved.users.size - disabled,
      alreadyInNewPool: moved.users.size,
      skipped: disabled,
    });
    expect([...moved.users.values()].every((u) => u.status === 'CONFIRMED')).toBe(true);
  });

  it('moves nobody users were not told of, and says how to tell them', async () => {
    // Arrange
    const session = newSession(plan);

    // Act
    const result = await rehearseSweep({
      plan: example,
      population: { users: 100 },
      session,
      announce: false,
    });

    // Assert
    expect(result.status).toBe('NOT_DUE');
    expect(result.error).toContain('cutover sweep --announce');
    expect([...pools(session).moved.users.values()].every((u) => u.status === 'CONFIRMED')).toBe(true);
  });

  it('tells users on the users topic, before the cut-off by as many days as the plan asks, with no username', async () => {
    // Arrange
    const session = newSession(plan);

    // Act
    await rehearseSweep({ plan: example, population: { users: 100 }, session });

    // Assert
    const told = session.sandbox.messages.filter((m) => m.topicArn === plan.notify.usersTopicArn);
    expect(told).toHaveLength(1);
    expect(told[0]?.subject).toContain('2026-03-01');
    expect(told[0]?.message).not.toMatch(/@example\.org/);
  });

  it('moves nobody before the cut-off the plan names, or without one', async () => {
    // Arrange
    const { finish, ...rest } = example as typeof example & { finish: object };
    const withoutCutOff = { ...rest, finish: { ...finish, sweepAfter: undefined } };
    const session = newSession(plan);

    // Act
    const result = await rehearseSweep({ plan: withoutCutOff, population: { users: 100 }, session });

    // Assert
    expect(result.status).toBe('NOT_DUE');
    expect(result.error).toContain('finish.sweepAfter');
    expect([...pools(session).moved.users.values()].every((u) => u.status === 'CONFIRMED')).toBe(true);
  });
});
