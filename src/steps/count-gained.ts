import {
  ListUsersCommand,
  type ListUsersCommandOutput,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { type GainedCategory, recordGained } from '../ledger/gained.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import { pace } from './core/pace.ts';
import type { ShardProgress } from './gained-report.ts';

/**
 * What the new pool gained while a cutover sent users to it, counted by a rollback so nothing is lost
 * silently. The pool is read in shards, one per first hex digit of `sub` (a UUID, so the shards are
 * even), by a distributed Map of a few workers: ListUsers can search `sub` by prefix
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html), and
 * each call of this step reads at most one second's share of the plan's ListUsers rate, at most
 * 60 users a page (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html);
 * the Map's Wait keeps the pace, so memory and time per call stay flat however large the pool.
 */

/**
 * Cognito writes a migrated user's record within the trigger's 5 s budget; a change later than that
 * is the user's own (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html).
 */
const SETTLED_MS = 5_000;

/** How a user of the new pool counts, given when the cutover began; undefined when they are not news. */
export function gainedAs(
  user: UserType,
  since: number,
  legacySubAttribute: string,
): GainedCategory | undefined {
  const created = user.UserCreateDate?.getTime() ?? 0;
  const modified = user.UserLastModifiedDate?.getTime() ?? created;
  const changed = modified >= since && modified > created + SETTLED_MS;
  if (created < since) return changed ? 'changed' : undefined;
  if (!user.Attributes?.some((a) => a.Name === legacySubAttribute)) return 'signedUp';
  return changed ? 'changed' : 'migrated';
}

export interface CensusInput {
  ledger: LedgerLocation;
  rollbackId: string;
  /** The new pool and its region (the plan's; the ledger is in the function's own). */
  userPoolId: string;
  region: string;
  since: string;
  shard: string;
  legacySubAttribute: string;
  /** The plan's ListUsers rate, shared by `workers` shards read at once. */
  perSecond: number;
  workers: number;
  progress: ShardProgress;
}

/** Reads the next pages of one shard, records each gained user in the ledger, and adds them up. */
export async function countGained(input: CensusInput) {
  const { pages, waitSeconds } = pace(input.perSecond, input.workers);
  const since = Date.parse(input.since);
  const progress = { ...input.progress };
  let token: string | null | undefined = input.progress.next;
  for (let read = 0; read < pages; read++) {
    const out: ListUsersCommandOutput = await named(
      `listing the users of ${input.userPoolId} whose sub starts with ${input.shard}`,
      aws.cognito(input.region).send(
        new ListUsersCommand({
          UserPoolId: input.userPoolId,
          Filter: `sub ^= "${input.shard}"`,
          Limit: 60,
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    );
    for (const user of out.Users ?? []) {
      progress.scanned++;
      const category = gainedAs(user, since, input.legacySubAttribute);
      if (!category || !user.Username) continue;
      progress[category]++;
      await recordGained(input.ledger, input.rollbackId, {
        username: user.Username,
        category,
        createdAt: (user.UserCreateDate ?? new Date(0)).toISOString(),
        modifiedAt: (user.UserLastModifiedDate ?? user.UserCreateDate ?? new Date(0)).toISOString(),
      });
    }
    token = out.PaginationToken;
    if (!token) break;
  }
  return { ...progress, next: token ?? null, waitSeconds };
}
