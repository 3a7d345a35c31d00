import { AdminInitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { listChanges } from '../../src/ledger/changes.ts';
import { acquireLock } from '../../src/ledger/lock.ts';
import { recordSweep } from '../../src/ledger/swept.ts';
import { LEDGER_TABLE, newSession, rehearse } from '../../src/local/runner.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';
import type { StepContext } from '../../src/steps/core/context.ts';
import { retireOldPool } from '../../src/steps/retire-old-pool.ts';
import { rollback } from '../../src/steps/rollback.ts';
import { example } from '../fixtures/plans.ts';

const plan = parsePlan(example);
const ledger = { table: LEDGER_TABLE, region: plan.region, migrationId: plan.migrationId };
const ctx = (dryRun = false): StepContext => ({
  plan: { ...plan, dryRun },
  ledger,
  step: 'Retire',
  executionId: 'retire:operator',
});

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.uninstall());

const census = (wouldMove: number) => ({
  sweepId: 'count-1',
  dryRun: true,
  status: 'SUCCEEDED' as const,
  scanned: 25,
  moved: wouldMove,
  alreadyInNewPool: 24 - wouldMove,
  failed: 0,
  skipped: 1,
  throttled: 0,
  startedAt: new Date(sandbox?.clock.now() ?? 0).toISOString(),
  endedAt: new Date(sandbox?.clock.now() ?? 0).toISOString(),
});

/** A world after a whole cutover, grace window closed; `counted`: a dry-run found that many still to move. */
async function afterCutover(counted?: number): Promise<Sandbox> {
  const session = newSession(example);
  const report = await rehearse({ plan: example, session });
  expect(report.status).toBe('SUCCEEDED');
  sandbox = session.sandbox.install();
  if (counted !== undefined) await recordSweep(ledger, census(counted));
  return session.sandbox;
}

const pool = (world: Sandbox, id: string) => world.world.pools.get(id);
const oldClientSignIn = () =>
  aws.cognito(plan.region).send(
    new AdminInitiateAuthCommand({
      UserPoolId: plan.oldPool.userPoolId,
      ClientId: plan.oldPool.migrationClientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'person-01@example.org', PASSWORD: 'Sandbox-Secret-Value-person-1' },
    }),
  );

describe('retireOldPool', () => {
  it('refuses while no sweep has counted the old pool, and changes nothing', async () => {
    // Arrange
    const world = await afterCutover();

    // Act
    const report = await retireOldPool(ctx(), '--stage prod');

    // Assert
    expect(report.status).toBe('REFUSED');
    expect(report.refusals.map((r) => r.reason)).toEqual(['not-counted']);
    expect(report.refusals[0]?.message).toContain('cutover sweep --dry-run --stage prod');
    expect(pool(world, plan.newPool.userPoolId)?.lambdaConfig.UserMigration).toBeDefined();
  });

  it('refuses while users remain only in the old pool, naming how many and the command that moves them', async () => {
    // Arrange
    await afterCutover(3);

    // Act
    const report = await retireOldPool(ctx(), '--stage prod');

    // Assert
    expect(report.refusals).toEqual([
      {
        reason: 'users-remain',
        message: expect.stringMatching(
          /^3 user\(s\) are still only in the old pool.*cutover sweep --stage prod/,
        ),
      },
    ]);
  });

  it('refuses while a cutover holds the lock, as its grace window may be open', async () => {
    // Arrange
    await afterCutover(0);
    await acquireLock(
      ledger,
      'arn:aws:states:eu-west-2:123456789012:execution:cognito-cutover-prod-cutover:next',
    );

    // Act
    const report = await retireOldPool(ctx(), '--stage prod');

    // Assert
    expect(report.refusals.map((r) => r.reason)).toEqual(['grace-window']);
  });

  it('refuses for each binding that still names the old pool, before any cutover', async () => {
    // Arrange
    sandbox = newSession(example).sandbox.install();
    await recordSweep(ledger, census(0));

    // Act
    const report = await retireOldPool(ctx(), '--stage prod');

    // Assert
    const bindings = report.refusals.filter((r) => r.reason === 'binding');
    expect(bindings.length).toBeGreaterThan(0);
    expect(bindings[0]?.message).toMatch(
      /still names the old pool eu-west-2_OldPool01|is not as the cutover leaves it/,
    );
  });

  it('as a dry-run, says what it would change and changes nothing', async () => {
    // Arrange
    const world = await afterCutover(0);

    // Act
    const report = await retireOldPool(ctx(true), '--stage prod');

    // Assert
    expect(report.status).toBe('WOULD_RETIRE');
    expect(report.changes.map((c) => c.kind)).toEqual(['cognito-migration-trigger', 'cognito-app-client']);
    expect(pool(world, plan.newPool.userPoolId)?.lambdaConfig.UserMigration).toBeDefined();
    await expect(oldClientSignIn()).resolves.toBeDefined();
  });

  it("detaches the migration trigger and stops sign-in through the old pool's clients, keeping the rest of their configuration", async () => {
    // Arrange
    const world = await afterCutover(0);
    const newPool = pool(world, plan.newPool.userPoolId);
    const others = { ...newPool?.lambdaConfig };
    delete others.UserMigration;

    // Act
    const report = await retireOldPool(ctx(), '--stage prod');
    const again = await retireOldPool(ctx(), '--stage prod');

    // Assert
    expect(report.status).toBe('RETIRED');
    expect(newPool?.lambdaConfig).toEqual(others);
    expect(newPool?.deletionProtection ?? 'ACTIVE').toBe('ACTIVE');
    await expect(oldClientSignIn()).rejects.toThrow(/not enabled/);
    expect(report.stillToDo.join('\n')).toContain('aws cognito-idp delete-user-pool');
    expect(report.stillToDo.join('\n')).toContain('1 user(s) were never moved on purpose');
    expect(again.status).toBe('UNCHANGED');
    const kept = (await listChanges(ledger)).filter((c) => c.executionId === 'retire:operator');
    expect(kept.map((c) => c.kind).sort()).toEqual(['cognito-app-client', 'cognito-migration-trigger']);
  });

  it('is undone by a rollback of the whole migration', async () => {
    // Arrange
    const world = await afterCutover(0);
    const before = pool(world, plan.newPool.userPoolId)?.lambdaConfig.UserMigration;
    await retireOldPool(ctx(), '--stage prod');

    // Act
    const undone = await rollback({ ...ctx(), step: 'Rollback', executionId: 'rollback:operator' }, null);

    // Assert
    expect(undone.remaining).toEqual([]);
    expect(pool(world, plan.newPool.userPoolId)?.lambdaConfig.UserMigration).toBe(before);
    await expect(oldClientSignIn()).resolves.toBeDefined();
  });
});
