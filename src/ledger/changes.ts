import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { named, toNamedError } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { LedgerConflict } from '../errors.ts';
import { itemsUnder } from './items.ts';
import { db, isConditionFailure, type LedgerLocation, LOCK } from './table.ts';

const changeKey = (key: string) => `CHANGE#${key}`;

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
 * Resolves to the record's number in the migration's order of changes.
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
): Promise<number> {
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
  return seq;
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

/** Every change of the migration, in the order it was last made. */
export async function listChanges(at: LedgerLocation): Promise<Change[]> {
  return (await itemsUnder(at, 'CHANGE#')).map(toChange).sort((a, b) => a.seq - b.seq);
}
