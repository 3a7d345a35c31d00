import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.ts';
import { CutoverInProgress, LedgerConflict } from '../../src/errors.ts';
import { getChange, recordIntent } from '../../src/ledger/changes.ts';
import { type GainedCategory, recordGained } from '../../src/ledger/gained.ts';
import { acquireLock, readLock, releaseLock, takeOverLock } from '../../src/ledger/lock.ts';
import type { LedgerLocation } from '../../src/ledger/table.ts';
import { type Dynalite, startDynalite } from '../support/dynalite.ts';

// The ledger's conditional writes against a real DynamoDB implementation over HTTP: what the
// sandbox's expression model and the mocks cannot prove is that DynamoDB itself lets only one win.

const TABLE = 'cognito-cutover-test-ledger';
const A = 'arn:aws:states:eu-west-2:123456789012:execution:cognito-cutover-prod-cutover:a';
const B = 'arn:aws:states:eu-west-2:123456789012:execution:cognito-cutover-prod-cutover:b';
const C = 'arn:aws:states:eu-west-2:123456789012:execution:cognito-cutover-prod-cutover:c';

let db: Dynalite;
let migrations = 0;
/** A migration of its own for each race, so no race sees another's lock. */
const fresh = (): LedgerLocation => ({ table: TABLE, region: 'eu-west-2', migrationId: `m-${++migrations}` });

beforeAll(async () => {
  db = await startDynalite();
  await db.createLedger(TABLE);
});
afterAll(() => db?.stop());

describe('the migration lock on dynalite', () => {
  it('lets exactly one of two executions that race for a free lock take it, 25 times out of 25', async () => {
    for (let round = 0; round < 25; round++) {
      // Arrange
      const at = fresh();

      // Act
      const results = await Promise.allSettled([acquireLock(at, A), acquireLock(at, B)]);

      // Assert
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [[A, B][i]] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(CutoverInProgress);
      expect((lost[0] as Error).message).toContain(`locked by ${won[0]}`);
      expect(await readLock(at)).toMatchObject({ owner: won[0], status: 'held' });
    }
  });

  it('lets exactly one of two executions take over one stale lock, and names the winner to the other', async () => {
    // Arrange
    const at = fresh();
    await acquireLock(at, A);

    // Act
    const results = await Promise.allSettled([takeOverLock(at, B, A), takeOverLock(at, C, A)]);

    // Assert
    const winner = (await readLock(at))?.owner;
    expect([B, C]).toContain(winner);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [loss] = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(loss).toBeInstanceOf(CutoverInProgress);
    expect(loss?.message).toContain(`locked by ${winner}`);
  });

  it('does not take over a lock its holder released in the meantime', async () => {
    // Arrange
    const at = fresh();
    await acquireLock(at, A);
    await releaseLock(at, A);

    // Act
    const taking = takeOverLock(at, B, A);

    // Assert
    await expect(taking).rejects.toBeInstanceOf(CutoverInProgress);
    expect(await readLock(at)).toMatchObject({ owner: A, status: 'released' });
  });

  it('refuses to release a lock another execution holds, and leaves it held', async () => {
    // Arrange
    const at = fresh();
    await acquireLock(at, A);

    // Act
    const releasing = releaseLock(at, B);

    // Assert
    await expect(releasing).rejects.toBeInstanceOf(LedgerConflict);
    expect(await readLock(at)).toMatchObject({ owner: A, status: 'held' });
  });
});

describe('change records on dynalite', () => {
  const intent = (executionId: string, after: string) => ({
    key: 'ssm-parameter:/tis/cognito/user-pool-id',
    kind: 'ssm-parameter',
    ref: { name: '/tis/cognito/user-pool-id' },
    before: 'eu-west-2_OldPool01',
    after,
    step: 'SwitchServices',
    executionId,
  });

  it('keeps the first snapshot when two executions record a change of one resource from the same read', async () => {
    // Arrange: A's change is applied; B and C both read it, then both record theirs.
    const at = fresh();
    await recordIntent(at, intent(A, 'eu-west-2_NewPool01'), undefined);
    const read = await getChange(at, 'ssm-parameter:/tis/cognito/user-pool-id');

    // Act
    const results = await Promise.allSettled([
      recordIntent(at, { ...intent(B, 'b'), before: 'seen by B' }, read),
      recordIntent(at, { ...intent(C, 'c'), before: 'seen by C' }, read),
    ]);

    // Assert: one wins, the other is told the ledger moved; nobody overwrote the original `before`.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [loss] = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(loss).toBeInstanceOf(LedgerConflict);
    expect(await getChange(at, 'ssm-parameter:/tis/cognito/user-pool-id')).toMatchObject({
      before: 'eu-west-2_OldPool01',
      status: 'pending',
    });
  });

  it('refuses a second first record of a resource when another execution recorded it in between', async () => {
    // Arrange
    const at = fresh();
    await recordIntent(at, intent(A, 'eu-west-2_NewPool01'), undefined);

    // Act: B read the ledger before A wrote, so it believes there is no entry.
    const recording = recordIntent(at, { ...intent(B, 'b'), before: 'stale' }, undefined);

    // Assert
    await expect(recording).rejects.toBeInstanceOf(LedgerConflict);
    expect(await getChange(at, 'ssm-parameter:/tis/cognito/user-pool-id')).toMatchObject({
      executionId: A,
      before: 'eu-west-2_OldPool01',
    });
  });
});

describe('what the new pool gained, on dynalite', () => {
  it('is listed by `cutover gained --stage` from the stage ledger, each user once, as the count that saw their latest change found them', async () => {
    // Arrange: two rollbacks of one migration counted the same user differently; a third user belongs to another migration.
    const at = fresh();
    const user = (username: string, category: GainedCategory, modifiedAt = '2025-03-10T08:00:00.000Z') => ({
      username,
      category,
      createdAt: '2025-03-10T08:00:00.000Z',
      modifiedAt,
    });
    // The later rollback is recorded first: its execution's name sorts after the other's.
    await recordGained(at, 'rollback-z', user('ada@example.org', 'changed', '2025-03-11T09:00:00.000Z'));
    await recordGained(at, 'rollback-a', user('ada@example.org', 'migrated'));
    await recordGained(at, 'rollback-z', user('bob@example.org', 'signedUp'));
    await recordGained(fresh(), 'rollback-1', user('eve@example.org', 'signedUp'));
    const out: string[] = [];

    // Act: the stage `test` reads cognito-cutover-test-ledger, the table this file made.
    const code = await run(
      ['gained', '--migration-id', at.migrationId, '--stage', 'test', '--region', 'eu-west-2', '--json'],
      {
        out: (text) => out.push(text),
      },
    );

    // Assert
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report).toMatchObject({
      migrationId: at.migrationId,
      users: 2,
      signedUp: 1,
      changed: 1,
      migrated: 0,
    });
    expect(report.list.map((u: { username: string; category: string }) => [u.username, u.category])).toEqual([
      ['ada@example.org', 'changed'],
      ['bob@example.org', 'signedUp'],
    ]);
  });
});
