import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { CutoverInProgress, LedgerConflict } from '../../src/errors.ts';
import { getChange, listChanges, markApplied, markRestored, recordIntent } from '../../src/ledger/changes.ts';
import { acquireLock, readLock, releaseLock } from '../../src/ledger/lock.ts';
import type { LedgerLocation } from '../../src/ledger/table.ts';
import { Sandbox } from '../../src/sandbox/index.ts';
import { REGION, samplePlan } from './plan.ts';

const TABLE = 'cognito-cutover-ledger';
const at: LedgerLocation = { table: TABLE, region: REGION, migrationId: 'tis-prod-pool-v1-to-v2' };

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = Sandbox.fromPlan(samplePlan()).install();
});
afterEach(() => sandbox.uninstall());

const intent = (key: string, after: unknown, step = 'SwitchServices') => ({
  key,
  kind: key.split(':')[0] ?? key,
  ref: { name: key },
  before: 'old',
  after,
  step,
  executionId: 'exec-1',
});

describe('the real ledger against the sandbox DynamoDB', () => {
  it('gives the lock to one owner at a time', async () => {
    const first = await acquireLock(at, 'exec-1');
    const again = await acquireLock(at, 'exec-1');

    const second = acquireLock(at, 'exec-2');

    expect(first).toEqual({ acquired: true });
    expect(again).toEqual({ acquired: false });
    await expect(second).rejects.toBeInstanceOf(CutoverInProgress);
    await expect(second).rejects.toThrow(/locked by exec-1 since 2026-01-15T09:00:00.000Z/);
  });

  it('lets another owner take the lock once it is released', async () => {
    await acquireLock(at, 'exec-1');
    sandbox.clock.advance(60);

    const released = await releaseLock(at, 'exec-1');
    const taken = await acquireLock(at, 'exec-2');

    expect(released).toEqual({ released: true });
    expect(taken).toEqual({ acquired: true });
    expect(await readLock(at)).toEqual({
      owner: 'exec-2',
      status: 'held',
      acquiredAt: '2026-01-15T09:01:00.000Z',
    });
    await expect(releaseLock(at, 'exec-1')).rejects.toBeInstanceOf(LedgerConflict);
  });

  it('records intents and applications, and lists them in the order they were made', async () => {
    await acquireLock(at, 'exec-1');

    await recordIntent(at, intent('ssm-parameter:/a', 'new-a'), undefined);
    await markApplied(at, 'ssm-parameter:/a');
    await recordIntent(at, intent('secret:b', 'new-b'), undefined);
    const existing = await getChange(at, 'ssm-parameter:/a');
    await recordIntent(at, intent('ssm-parameter:/a', 'newer-a', 'ReleaseWrites'), existing);
    const changes = await listChanges(at);

    expect(changes.map((c) => [c.key, c.status, c.seq, c.after, c.step])).toEqual([
      ['secret:b', 'pending', 2, 'new-b', 'SwitchServices'],
      ['ssm-parameter:/a', 'pending', 3, 'newer-a', 'ReleaseWrites'],
    ]);
    expect(changes[1]).toMatchObject({
      before: 'old',
      appliedAt: '2026-01-15T09:00:00.000Z',
      executionId: 'exec-1',
    });
  });

  it('records a restored change afresh, and refuses to overwrite one it did not read', async () => {
    await recordIntent(at, intent('secret:b', 'new-b'), undefined);
    await markRestored(at, 'secret:b', 'rollback-1');
    const restored = await getChange(at, 'secret:b');

    await recordIntent(at, { ...intent('secret:b', 'again'), before: 'restored-value' }, restored);
    const recorded = await getChange(at, 'secret:b');

    expect(recorded).toMatchObject({ status: 'pending', before: 'restored-value', after: 'again' });
    await expect(recordIntent(at, intent('secret:b', 'x'), undefined)).rejects.toBeInstanceOf(LedgerConflict);
  });

  it('refuses what DynamoDB refuses: unused placeholders, reserved words, unknown tables', async () => {
    const db = aws.dynamoDb(REGION);
    const Key = marshall({ pk: 'm', sk: 'LOCK' });

    const unused = db.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key,
        UpdateExpression: 'SET #a = :a',
        ExpressionAttributeNames: { '#a': 'a' },
        ExpressionAttributeValues: marshall({ ':a': 1, ':b': 2 }),
      }),
    );
    const reserved = db.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key,
        UpdateExpression: 'SET status = :s',
        ExpressionAttributeValues: marshall({ ':s': 'held' }),
      }),
    );

    await expect(unused).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}',
    });
    await expect(reserved).rejects.toThrow('Attribute name is a reserved keyword; reserved keyword: status');
    await expect(db.send(new GetItemCommand({ TableName: 'nope', Key }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('pages a query with Limit and ExclusiveStartKey', async () => {
    const db = aws.dynamoDb(REGION);
    for (const sk of ['CHANGE#b', 'CHANGE#a', 'LOCK', 'CHANGE#c']) {
      await db.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'm', sk }) }));
    }
    const query = (start?: Record<string, never>) =>
      db.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: marshall({ ':pk': 'm', ':prefix': 'CHANGE#' }),
          Limit: 2,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );

    const first = await query();
    const second = await query(first.LastEvaluatedKey as Record<string, never>);

    expect(first.Items?.map((i) => i.sk?.S)).toEqual(['CHANGE#a', 'CHANGE#b']);
    expect(first.LastEvaluatedKey).toEqual(marshall({ pk: 'm', sk: 'CHANGE#b' }));
    expect(second.Items?.map((i) => i.sk?.S)).toEqual(['CHANGE#c']);
    expect(second.LastEvaluatedKey).toBeUndefined();
  });
});
