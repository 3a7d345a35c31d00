import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { named, toNamedError } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { CutoverInProgress, LedgerConflict } from '../errors.ts';
import { db, isConditionFailure, type LedgerLocation, LOCK } from './table.ts';

export interface Lock {
  owner: string;
  status: 'held' | 'released';
  acquiredAt: string;
  releasedAt?: string;
}

export async function readLock(at: LedgerLocation): Promise<Lock | undefined> {
  const out = await named(
    `reading the lock of ${at.migrationId} in ${at.table}`,
    db(at).send(
      new GetItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: LOCK }),
        ConsistentRead: true,
      }),
    ),
  );
  const item = out.Item ? unmarshall(out.Item) : undefined;
  // The change counter lives on the lock item, so it can exist before anyone took the lock.
  if (!item?.status) return undefined;
  return {
    owner: item.owner,
    status: item.status,
    acquiredAt: item.acquiredAt,
    ...(item.releasedAt ? { releasedAt: item.releasedAt } : {}),
  };
}

/**
 * Takes the lock for `owner`. Taking a lock one already holds changes nothing. `known` is the lock
 * as the caller has just read it, so it is not read twice; the write's condition still guards a race.
 */
export async function acquireLock(
  at: LedgerLocation,
  owner: string,
  known?: { lock: Lock | undefined },
): Promise<{ acquired: boolean }> {
  const current = known ? known.lock : await readLock(at);
  if (current?.status === 'held' && current.owner === owner) return { acquired: false };
  if (current?.status === 'held') throw lockHeld(at, current);
  try {
    await db(at).send(
      new UpdateItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: LOCK }),
        UpdateExpression:
          'SET #owner = :owner, #status = :held, #acquiredAt = :now REMOVE #releasedAt, #tookOverFrom',
        ConditionExpression: 'attribute_not_exists(#status) OR #status = :released',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          '#status': 'status',
          '#acquiredAt': 'acquiredAt',
          '#releasedAt': 'releasedAt',
          '#tookOverFrom': 'tookOverFrom',
        },
        ExpressionAttributeValues: marshall({
          ':owner': owner,
          ':held': 'held',
          ':released': 'released',
          ':now': nowIso(),
        }),
      }),
    );
    return { acquired: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw toNamedError(error, `taking the lock of ${at.migrationId}`);
    const holder = await readLock(at);
    throw lockHeld(at, holder);
  }
}

/**
 * Takes over the lock `from` holds, for `owner`: only while `from` still holds it, so two
 * executions taking over one stale lock cannot both win.
 */
export async function takeOverLock(at: LedgerLocation, owner: string, from: string): Promise<void> {
  try {
    await db(at).send(
      new UpdateItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: LOCK }),
        UpdateExpression: 'SET #owner = :owner, #acquiredAt = :now, #tookOverFrom = :from',
        ConditionExpression: '#status = :held AND #owner = :from',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          '#status': 'status',
          '#acquiredAt': 'acquiredAt',
          '#tookOverFrom': 'tookOverFrom',
        },
        ExpressionAttributeValues: marshall({
          ':owner': owner,
          ':from': from,
          ':held': 'held',
          ':now': nowIso(),
        }),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw toNamedError(error, `taking over the lock of ${at.migrationId}`);
    throw lockHeld(at, await readLock(at));
  }
}

function lockHeld(at: LedgerLocation, lock: Lock | undefined): CutoverInProgress {
  return new CutoverInProgress(
    `Migration ${at.migrationId} is locked by ${lock?.owner ?? 'another execution'} since ${lock?.acquiredAt ?? 'just now'}. ` +
      'Wait for that execution to end, or stop it (its rollback then releases the lock).',
  );
}

/** Releases the lock if `owner` holds it; releasing a released lock changes nothing. */
export async function releaseLock(at: LedgerLocation, owner: string): Promise<{ released: boolean }> {
  const current = await readLock(at);
  if (!current || current.status === 'released') return { released: false };
  if (current.owner !== owner) {
    throw new LedgerConflict(
      `The lock of ${at.migrationId} is held by ${current.owner}, not ${owner}; left as it is.`,
    );
  }
  await named(
    `releasing the lock of ${at.migrationId}`,
    db(at).send(
      new UpdateItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: LOCK }),
        UpdateExpression: 'SET #status = :released, #releasedAt = :now',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#status': 'status', '#releasedAt': 'releasedAt', '#owner': 'owner' },
        ExpressionAttributeValues: marshall({ ':released': 'released', ':now': nowIso(), ':owner': owner }),
      }),
    ),
  );
  return { released: true };
}
