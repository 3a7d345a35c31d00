import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { named } from '../aws/clients.ts';
import { type SweepTotals, type SweptUser, TOTALS, USER } from './sweeps.ts';
import { db, type LedgerLocation } from './table.ts';

/** Records one user; recording them again (a page read again) overwrites the same item. */
export async function recordSwept(at: LedgerLocation, sweepId: string, user: SweptUser): Promise<void> {
  await named(
    `recording a user the sweep could not move in ${at.table}`,
    db(at).send(
      new PutItemCommand({
        TableName: at.table,
        Item: marshall({ pk: at.migrationId, sk: `${USER}${sweepId}#${user.username}`, sweepId, ...user }),
      }),
    ),
  );
}

export async function recordSweep(at: LedgerLocation, totals: SweepTotals): Promise<void> {
  await named(
    `recording the sweep's totals in ${at.table}`,
    db(at).send(
      new PutItemCommand({
        TableName: at.table,
        Item: marshall({ pk: at.migrationId, sk: `${TOTALS}${totals.sweepId}`, ...totals }),
      }),
    ),
  );
}
