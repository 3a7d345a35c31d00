import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { named } from '../aws/clients.ts';
import { itemsUnder } from './items.ts';
import { db, type LedgerLocation } from './table.ts';

/**
 * What a sweep could not do, one item per user, under the sweep's execution:
 * `SWEPT#<sweepId>#<username>`. Usernames are personal data, so they live here, where operators fetch
 * them (`cutover sweep --failures`), never in a notice or a log line.
 */
export interface SweptUser {
  username: string;
  /** `refused`: not moved, the new pool refused them; `skipped`: not moved on purpose; `incomplete`: moved, but not whole. */
  outcome: 'refused' | 'skipped' | 'incomplete';
  reason: string;
}

/** A sweep's totals, kept when it ends: `SWEEP#<sweepId>`. */
export interface SweepTotals {
  sweepId: string;
  dryRun: boolean;
  status: 'SUCCEEDED' | 'STOPPED';
  scanned: number;
  moved: number;
  alreadyInNewPool: number;
  failed: number;
  skipped: number;
  throttled: number;
  startedAt: string;
  endedAt: string;
}

const USER = 'SWEPT#';
const TOTALS = 'SWEEP#';

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

/** The users one sweep (or, without `sweepId`, every sweep of the migration) could not move whole. */
export async function listSwept(
  at: LedgerLocation,
  sweepId?: string,
): Promise<(SweptUser & { sweepId: string })[]> {
  return (await itemsUnder(at, sweepId ? `${USER}${sweepId}#` : USER)).map((item) => {
    const { username, outcome, reason, sweepId: of } = item as unknown as SweptUser & { sweepId: string };
    return { username, outcome, reason, sweepId: of };
  });
}

/** Every sweep of the migration that ended, oldest first. */
export async function listSweeps(at: LedgerLocation): Promise<SweepTotals[]> {
  const sweeps = (await itemsUnder(at, TOTALS)) as unknown as SweepTotals[];
  return sweeps.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
