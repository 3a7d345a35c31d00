import { describe, expect, it } from 'vitest';
import { gainedLines, gainedReport, gainedTotals, SHARDS } from '../../src/steps/gained-report.ts';

describe('gainedTotals', () => {
  const shard = { next: null, scanned: 10, signedUp: 1, migrated: 2, changed: 3 };

  it('adds up every shard, complete when all 16 have been read to the end', () => {
    const totals = gainedTotals(SHARDS.map(() => shard));

    expect(totals).toEqual({
      scanned: 160,
      signedUp: 16,
      migrated: 32,
      changed: 48,
      users: 96,
      complete: true,
    });
  });

  it('is not complete while a shard is missing', () => {
    expect(gainedTotals([shard]).complete).toBe(false);
  });
});

describe('gainedReport', () => {
  it('keeps each user once, as the count that saw their latest change found them', () => {
    // Arrange
    const ada = { username: 'ada', createdAt: '2025-03-10T08:00:00Z' };
    // The later count is listed first: the ledger orders them by rollback execution, not by time.
    const counted = [
      { ...ada, category: 'changed' as const, modifiedAt: '2025-03-11T09:00:00Z' },
      { ...ada, category: 'migrated' as const, modifiedAt: '2025-03-10T08:00:00Z' },
    ];

    // Act
    const report = gainedReport(counted);

    // Assert
    expect(report).toMatchObject({ users: 1, changed: 1, migrated: 0 });
  });
});

describe('gainedLines', () => {
  it('says each kind present, what they did and what they meet, those with most to redo first', () => {
    expect(gainedLines({ signedUp: 1, migrated: 2, changed: 0 })).toEqual([
      '1 signed up in the new pool: must sign up again, or be created again by the user-management service (the account exists only in the new pool)',
      '2 were migrated (at sign-in, or by a sweep) and changed nothing there: nothing to redo: the old pool still has the account and its password',
    ]);
  });
});
