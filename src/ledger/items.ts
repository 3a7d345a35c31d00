import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { named } from '../aws/clients.ts';
import { db, type LedgerLocation } from './table.ts';

/** Every item of the migration whose sort key starts with `prefix`, across pages. */
export async function itemsUnder(at: LedgerLocation, prefix: string): Promise<Record<string, unknown>[]> {
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
