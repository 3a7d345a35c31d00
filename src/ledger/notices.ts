import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { named } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { itemsUnder } from './items.ts';
import { db, type LedgerLocation } from './table.ts';

const noticeKey = (at: LedgerLocation, notice: string) =>
  marshall({ pk: at.migrationId, sk: `NOTICE#${notice}` });

/** When notice `notice` was sent, or undefined when it was not. */
export async function noticeSentAt(at: LedgerLocation, notice: string): Promise<string | undefined> {
  const out = await named(
    `reading notice ${notice} from the ledger`,
    db(at).send(
      new GetItemCommand({ TableName: at.table, Key: noticeKey(at, notice), ConsistentRead: true }),
    ),
  );
  return out.Item?.sentAt?.S;
}

/** Whether notice `<executionId>#<event>` was sent, so a retried step does not tell users twice. */
export async function noticeSent(at: LedgerLocation, notice: string): Promise<boolean> {
  return (await noticeSentAt(at, notice)) !== undefined;
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
