import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { named } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { db, type LedgerLocation } from './table.ts';

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
