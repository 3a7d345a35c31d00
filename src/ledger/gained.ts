import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { named } from '../aws/clients.ts';
import { itemsUnder } from './items.ts';
import { db, type LedgerLocation } from './table.ts';

/**
 * What a rollback found the new pool had gained, one item per user, under the rollback execution
 * that counted it: `GAINED#<rollbackExecutionId>#<username>`. Usernames are personal data, so they
 * live here, where operators fetch them (`cutover gained`), never in a notice or a log line.
 */
export interface GainedUser {
  username: string;
  category: GainedCategory;
  createdAt: string;
  modifiedAt: string;
}

export type GainedCategory = 'signedUp' | 'migrated' | 'changed';

const PREFIX = 'GAINED#';

/** Records one user; recording them again (a retried page) overwrites the same item. */
export async function recordGained(at: LedgerLocation, rollbackId: string, user: GainedUser): Promise<void> {
  await named(
    `recording a user the new pool gained in ${at.table}`,
    db(at).send(
      new PutItemCommand({
        TableName: at.table,
        Item: marshall({
          pk: at.migrationId,
          sk: `${PREFIX}${rollbackId}#${user.username}`,
          rollbackId,
          ...user,
        }),
      }),
    ),
  );
}

/** Every user the rollbacks of the migration found; a user two rollbacks counted is listed twice. */
export async function listGained(at: LedgerLocation): Promise<GainedUser[]> {
  return (await itemsUnder(at, PREFIX)).map((item) => {
    const { username, category, createdAt, modifiedAt } = item as unknown as GainedUser;
    return { username, category, createdAt, modifiedAt };
  });
}
