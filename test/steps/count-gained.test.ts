import { ListUsersCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { listGained } from '../../src/ledger/gained.ts';
import { pace } from '../../src/steps/core/pace.ts';
import { type CensusInput, countGained, gainedAs } from '../../src/steps/count-gained.ts';
import { gainedReport } from '../../src/steps/gained-report.ts';
import { context, mocks } from './aws-mocks.ts';

const SINCE = Date.parse('2025-03-10T07:30:00Z');
const at = (minutes: number) => new Date(SINCE + minutes * 60_000);
const LEGACY = 'custom:legacy_sub';

function user(name: string, created: number, modified = created, migrated = false): UserType {
  return {
    Username: name,
    UserCreateDate: at(created),
    UserLastModifiedDate: at(modified),
    Attributes: [{ Name: 'sub', Value: 'a-sub' }, ...(migrated ? [{ Name: LEGACY, Value: 'old-sub' }] : [])],
  };
}

const census = (over: Partial<CensusInput> = {}): CensusInput => ({
  ledger: context().ledger,
  rollbackId: 'rollback-1',
  userPoolId: 'eu-west-2_NewPool01',
  region: 'eu-west-2',
  since: new Date(SINCE).toISOString(),
  shard: 'a',
  legacySubAttribute: LEGACY,
  perSecond: 15,
  workers: 4,
  progress: { next: null, scanned: 0, signedUp: 0, migrated: 0, changed: 0 },
  ...over,
});

describe('gainedAs', () => {
  it.each([
    ['a user the new pool had before the cutover', user('before', -60), undefined],
    ['a user from before who changed something since', user('edited', -60, 10), 'changed'],
    ['a user who signed up since', user('newcomer', 10), 'signedUp'],
    ['a newcomer who changed their password later', user('newcomer', 10, 40), 'signedUp'],
    ['a user migrated at sign-in', user('moved', 10, 10, true), 'migrated'],
    [
      'a migrated user whose record Cognito settled within the trigger budget',
      user('moved', 10, 10.05, true),
      'migrated',
    ],
    ['a migrated user who changed their password later', user('moved', 10, 40, true), 'changed'],
  ])('counts %s as %s', (_, found, expected) => {
    // Act
    const category = gainedAs(found, SINCE, LEGACY);

    // Assert
    expect(category).toBe(expected);
  });
});

describe('pace', () => {
  it('gives each of 4 workers 3 pages a second of 15 ListUsers calls a second', () => {
    expect(pace(15, 4)).toEqual({ pages: 3, waitSeconds: 1 });
  });

  it('reads one page and waits longer when a worker has less than one call a second', () => {
    expect(pace(2, 4)).toEqual({ pages: 1, waitSeconds: 2 });
  });

  it('never lets the workers together call faster than the rate', () => {
    for (const perSecond of [1, 2, 3, 5, 15, 29, 30, 100]) {
      const { pages, waitSeconds } = pace(perSecond, 4);
      expect((4 * pages) / waitSeconds).toBeLessThanOrEqual(perSecond);
    }
  });
});

describe('countGained', () => {
  it('reads at most its share of pages by sub prefix, records each gained user, and says where to go on', async () => {
    // Arrange: four pages of the shard, one gained user on each of the first three
    const pages = [
      { Users: [user('old', -60), user('newcomer', 10)], PaginationToken: 'p2' },
      { Users: [user('moved', 10, 10, true)], PaginationToken: 'p3' },
      { Users: [user('edited', -60, 10)], PaginationToken: 'p4' },
    ];
    mocks.cognito
      .on(ListUsersCommand)
      .resolvesOnce(pages[0] ?? {})
      .resolvesOnce(pages[1] ?? {})
      .resolvesOnce(pages[2] ?? {});

    // Act
    const progress = await countGained(census());

    // Assert
    expect(mocks.cognito).toHaveReceivedCommandTimes(ListUsersCommand, 3);
    expect(mocks.cognito).toHaveReceivedNthCommandWith(ListUsersCommand, 1, {
      UserPoolId: 'eu-west-2_NewPool01',
      Filter: 'sub ^= "a"',
      Limit: 60,
    });
    expect(mocks.cognito).toHaveReceivedNthCommandWith(ListUsersCommand, 2, { PaginationToken: 'p2' });
    expect(progress).toEqual({
      next: 'p4',
      scanned: 4,
      signedUp: 1,
      migrated: 1,
      changed: 1,
      waitSeconds: 1,
    });
    const recorded = mocks.dynamoDb
      .commandCalls(PutItemCommand)
      .map((call) => unmarshall(call.args[0].input.Item ?? {}).sk);
    expect(recorded).toEqual([
      'GAINED#rollback-1#newcomer',
      'GAINED#rollback-1#moved',
      'GAINED#rollback-1#edited',
    ]);
  });

  it('ends the shard with next null when its last page has no token, adding to the counts so far', async () => {
    // Arrange
    mocks.cognito.on(ListUsersCommand).resolves({ Users: [user('late', 50)] });

    // Act
    const progress = await countGained(
      census({ progress: { next: 'p9', scanned: 100, signedUp: 2, migrated: 0, changed: 0 } }),
    );

    // Assert
    expect(mocks.cognito).toHaveReceivedCommandWith(ListUsersCommand, { PaginationToken: 'p9' });
    expect(progress).toMatchObject({ next: null, scanned: 101, signedUp: 3 });
  });

  it('lists the gained users for operators from the ledger, by the rollback that counted them', async () => {
    // Arrange
    mocks.cognito
      .on(ListUsersCommand)
      .resolves({ Users: [user('newcomer', 10), user('moved', 10, 10, true)] });
    await countGained(census());

    // Act
    const report = gainedReport(await listGained(context().ledger));

    // Assert
    expect(report).toMatchObject({ users: 2, signedUp: 1, migrated: 1, changed: 0 });
    expect(report.list.map((u) => [u.username, u.category])).toEqual([
      ['moved', 'migrated'],
      ['newcomer', 'signedUp'],
    ]);
    expect(report.list[1]?.after).toContain('must sign up again');
  });
});
