import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as aws from '../aws/aws.ts';
import { named, toNamedError } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { CutoverInProgress, LedgerConflict } from '../errors.ts';

/**
 * The ledger: one DynamoDB item per migration for the lock, one per changed resource.
 * A change is written as `pending` with the resource's state *before* the mutation, then marked
 * `applied` after it, so a crash between the two still leaves rollback enough to restore.
 * DynamoDB Local emulators have no transactions, so everything here is a single conditional write.
 *
 *   pk = migrationId, sk = "LOCK"           owner, status (held | released), seq counter
 *   pk = migrationId, sk = "CHANGE#<key>"   kind, ref, before, after, status, seq, step
 */
/**
 * pending: the write may have begun; applied: it ended. restoring: the restore may have begun;
 * restored: it ended. A write or restore found begun and not ended is made again, whole.
 */
export type ChangeStatus = 'pending' | 'applied' | 'restoring' | 'restored';

export interface Change {
  key: string;
  kind: string;
  ref: Record<string, unknown>;
  before: unknown;
  after: unknown;
  status: ChangeStatus;
  /** Order of the last mutation; rollback restores from the highest down. */
  seq: number;
  step: string;
  /** The execution that last changed it; an automatic rollback restores only its own changes. */
  executionId: string;
  recordedAt: string;
  appliedAt?: string;
  restoredAt?: string;
  /**
   * What the last write left to finish (a DNS change to reach INSYNC, a redeploy to settle), so a
   * retried step that finds the write made still waits for it.
   */
  pending: unknown[];
  /** The rollback execution that restored it: its retried Restore still waits for what it left. */
  restoredBy?: string;
}

export interface Lock {
  owner: string;
  status: 'held' | 'released';
  acquiredAt: string;
  releasedAt?: string;
}

export interface LedgerLocation {
  table: string;
  region: string;
  migrationId: string;
}

const LOCK = 'LOCK';
const changeKey = (key: string) => `CHANGE#${key}`;

function db(at: LedgerLocation) {
  return aws.dynamoDb(at.region);
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === ConditionalCheckFailedException.name;
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

async function nextSeq(at: LedgerLocation): Promise<number> {
  const out = await named(
    `numbering a change of ${at.migrationId}`,
    db(at).send(
      new UpdateItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: LOCK }),
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: marshall({ ':one': 1 }),
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  return Number(unmarshall(out.Attributes ?? {}).seq);
}

function toChange(item: Record<string, unknown>): Change {
  return {
    key: item.key as string,
    kind: item.kind as string,
    ref: JSON.parse(item.ref as string),
    before: JSON.parse(item.before as string),
    after: JSON.parse(item.after as string),
    status: item.status as ChangeStatus,
    seq: Number(item.seq),
    step: item.step as string,
    executionId: item.executionId as string,
    recordedAt: item.recordedAt as string,
    ...(item.appliedAt ? { appliedAt: item.appliedAt as string } : {}),
    ...(item.restoredAt ? { restoredAt: item.restoredAt as string } : {}),
    pending: item.pending ? JSON.parse(item.pending as string) : [],
    ...(item.restoredBy ? { restoredBy: item.restoredBy as string } : {}),
  };
}

export async function getChange(at: LedgerLocation, key: string): Promise<Change | undefined> {
  const out = await named(
    `reading the ledger entry ${key}`,
    db(at).send(
      new GetItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: changeKey(key) }),
        ConsistentRead: true,
      }),
    ),
  );
  return out.Item ? toChange(unmarshall(out.Item)) : undefined;
}

/**
 * Records that `key` is about to change to `after`. The first record keeps the resource's
 * original state as `before`; later records (the same record touched by a later step) keep it.
 */
export async function recordIntent(
  at: LedgerLocation,
  intent: {
    key: string;
    kind: string;
    ref: object;
    before: unknown;
    after: unknown;
    step: string;
    executionId: string;
  },
  existing: Change | undefined,
): Promise<void> {
  const seq = await nextSeq(at);
  const command =
    existing && existing.status !== 'restored'
      ? new UpdateItemCommand({
          TableName: at.table,
          Key: marshall({ pk: at.migrationId, sk: changeKey(intent.key) }),
          UpdateExpression:
            'SET #after = :after, #status = :pending, #seq = :seq, #step = :step, #executionId = :executionId',
          // Unchanged since we read it: a concurrent record or restore must not leave a stale `before`
          // behind. Every record takes a new seq, so the seq catches one that left the status as it was.
          ConditionExpression: '#status = :was AND #seq = :seen',
          ExpressionAttributeNames: {
            '#after': 'after',
            '#status': 'status',
            '#seq': 'seq',
            '#step': 'step',
            '#executionId': 'executionId',
          },
          ExpressionAttributeValues: marshall({
            ':after': JSON.stringify(intent.after ?? null),
            ':pending': 'pending',
            ':was': existing.status,
            ':seen': existing.seq,
            ':seq': seq,
            ':step': intent.step,
            ':executionId': intent.executionId,
          }),
        })
      : new PutItemCommand({
          TableName: at.table,
          Item: marshall({
            pk: at.migrationId,
            sk: changeKey(intent.key),
            key: intent.key,
            kind: intent.kind,
            ref: JSON.stringify(intent.ref),
            before: JSON.stringify(intent.before ?? null),
            after: JSON.stringify(intent.after ?? null),
            status: 'pending',
            seq,
            step: intent.step,
            executionId: intent.executionId,
            recordedAt: nowIso(),
          }),
          // A restored entry is recorded afresh: its `before` is the resource as it is now.
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :restored',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':restored': 'restored' }),
        });
  try {
    await db(at).send(command as never);
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new LedgerConflict(
        `${intent.key} was changed in the ledger by another execution while this one read it.`,
        {
          cause: error,
        },
      );
    }
    throw toNamedError(error, `recording the change of ${intent.key} in the ledger`);
  }
}

async function setStatus(
  at: LedgerLocation,
  key: string,
  status: ChangeStatus,
  stampField: string,
  also: Record<string, string> = {},
): Promise<void> {
  const fields = Object.keys(also);
  await named(
    `marking ${key} ${status} in the ledger`,
    db(at).send(
      new UpdateItemCommand({
        TableName: at.table,
        Key: marshall({ pk: at.migrationId, sk: changeKey(key) }),
        UpdateExpression: [
          'SET #status = :status, #stamp = :now',
          ...fields.map((f) => `#${f} = :${f}`),
        ].join(', '),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#stamp': stampField,
          ...Object.fromEntries(fields.map((f) => [`#${f}`, f])),
        },
        ExpressionAttributeValues: marshall({
          ':status': status,
          ':now': nowIso(),
          ...Object.fromEntries(fields.map((f) => [`:${f}`, also[f]])),
        }),
      }),
    ),
  );
}

/** The write ended; `pending` is what it left to finish. */
export const markApplied = (at: LedgerLocation, key: string, pending: unknown[] = []) =>
  setStatus(at, key, 'applied', 'appliedAt', { pending: JSON.stringify(pending) });
export const markRestoring = (at: LedgerLocation, key: string) =>
  setStatus(at, key, 'restoring', 'restoringAt');
/** The restore ended, made by rollback execution `by`; `pending` is what it left to finish. */
export const markRestored = (at: LedgerLocation, key: string, by: string, pending: unknown[] = []) =>
  setStatus(at, key, 'restored', 'restoredAt', { pending: JSON.stringify(pending), restoredBy: by });

/** Every item of the migration whose sort key starts with `prefix`, across pages. */
async function itemsUnder(at: LedgerLocation, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await named(
      `listing the ledger of ${at.migrationId}`,
      db(at).send(
        new QueryCommand({
          TableName: at.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: marshall({ ':pk': at.migrationId, ':prefix': prefix }),
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        }),
      ),
    );
    items.push(...(out.Items ?? []).map((item) => unmarshall(item)));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every change of the migration, in the order it was last made. */
export async function listChanges(at: LedgerLocation): Promise<Change[]> {
  return (await itemsUnder(at, 'CHANGE#')).map(toChange).sort((a, b) => a.seq - b.seq);
}

const noticeKey = (at: LedgerLocation, notice: string) =>
  marshall({ pk: at.migrationId, sk: `NOTICE#${notice}` });

/** Whether notice `<executionId>#<event>` was sent, so a retried step does not tell users twice. */
export async function noticeSent(at: LedgerLocation, notice: string): Promise<boolean> {
  const out = await named(
    `reading notice ${notice} from the ledger`,
    db(at).send(
      new GetItemCommand({ TableName: at.table, Key: noticeKey(at, notice), ConsistentRead: true }),
    ),
  );
  return out.Item !== undefined;
}

/** Every notice sent for the migration, as `<executionId>#<event>#<audience>`. */
export async function listNotices(at: LedgerLocation): Promise<string[]> {
  return (await itemsUnder(at, 'NOTICE#')).map((item) => String(item.sk).slice('NOTICE#'.length));
}

export async function recordNotice(at: LedgerLocation, notice: string): Promise<void> {
  await named(
    `recording notice ${notice} in the ledger`,
    db(at).send(
      new PutItemCommand({
        TableName: at.table,
        Item: { ...noticeKey(at, notice), ...marshall({ sentAt: nowIso() }) },
      }),
    ),
  );
}

const planKey = (at: LedgerLocation) => marshall({ pk: at.migrationId, sk: 'PLAN' });

/** Keeps the plan with the migration, so a rollback started with only its id knows whom to tell. */
export async function recordPlan(at: LedgerLocation, plan: object): Promise<void> {
  await named(
    `recording the plan of ${at.migrationId} in the ledger`,
    db(at).send(
      new PutItemCommand({
        TableName: at.table,
        Item: { ...planKey(at), ...marshall({ plan: JSON.stringify(plan), recordedAt: nowIso() }) },
      }),
    ),
  );
}

export async function readPlan(at: LedgerLocation): Promise<unknown> {
  const out = await named(
    `reading the plan of ${at.migrationId} from the ledger`,
    db(at).send(new GetItemCommand({ TableName: at.table, Key: planKey(at), ConsistentRead: true })),
  );
  return out.Item ? JSON.parse(String(unmarshall(out.Item).plan)) : undefined;
}
