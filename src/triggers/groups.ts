import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AdminAddUserToGroupCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../aws/aws.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { oldGroups } from './old-groups.ts';
import type { OldPool } from './old-pool.ts';

/**
 * Cognito gives a trigger 5 s in all, cold start included; the old pool's reads and the new pool's
 * writes share this budget, so the token is issued well inside it, with or without the groups.
 */
export const GROUP_COPY_TIMEOUT_MS = 3000;

/** The user whose groups are copied: as the new pool names them, and as the old pool knew them. */
export interface MigratedUser {
  newUserPoolId: string;
  username: string;
  legacySub: string;
}

const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

/**
 * The old pool's name for the user. Usually the new pool's: the migration keeps the name the user
 * signed in with. A pool that signs users in by email names each user with a generated id instead, so
 * the old pool is asked for the user whose `sub` is the legacy one.
 */
async function oldGroupsOf(old: OldPool, user: MigratedUser, abortSignal: AbortSignal): Promise<string[]> {
  try {
    return await oldGroups(old, user.username, abortSignal);
  } catch (error) {
    if (!isNamed(error, 'UserNotFoundException')) throw error;
  }
  const found = await aws.cognito(old.region).send(
    new ListUsersCommand({
      UserPoolId: old.oldUserPoolId,
      Filter: `sub = "${user.legacySub.replace(/["\\]/g, '')}"`,
      Limit: 1,
    }),
    { abortSignal },
  );
  const username = found.Users?.[0]?.Username;
  return username ? oldGroups(old, username, abortSignal) : [];
}

/**
 * Copies a migrated user's old-pool group memberships into the new pool, by group name, and answers
 * the groups the user is now in. Adding a member twice changes nothing, so a retry is harmless. It
 * never fails the sign-in: a group the new pool lacks (Preflight prevents it) or an old pool that does
 * not answer in time is logged at error level with one `GroupCopyFailed` metric, the token goes out
 * with the groups copied so far, and the next sign-in tries again.
 */
export async function copyGroups(old: OldPool, user: MigratedUser): Promise<string[]> {
  const abortSignal = AbortSignal.timeout(GROUP_COPY_TIMEOUT_MS);
  let wanted: string[];
  try {
    wanted = await oldGroupsOf(old, user, abortSignal);
  } catch (error) {
    return failed([], `reading the user's groups in ${old.oldUserPoolId}`, error);
  }
  const added = await Promise.allSettled(
    wanted.map((GroupName) =>
      aws.cognito(old.region).send(
        new AdminAddUserToGroupCommand({
          UserPoolId: user.newUserPoolId,
          Username: user.username,
          GroupName,
        }),
        { abortSignal },
      ),
    ),
  );
  const held = wanted.filter((_, i) => added[i]?.status === 'fulfilled');
  const refused = added.flatMap((outcome, i) =>
    outcome.status === 'rejected' ? [{ group: wanted[i], error: outcome.reason as unknown }] : [],
  );
  if (refused.length === 0) return held;
  const missing = refused.filter((r) => isNamed(r.error, 'ResourceNotFoundException')).map((r) => r.group);
  const why =
    missing.length > 0
      ? `the new pool ${user.newUserPoolId} lacks group(s) ${missing.join(', ')}: create them with the same names`
      : `adding the user to ${refused.map((r) => r.group).join(', ')} in ${user.newUserPoolId}`;
  return failed(held, why, refused[0]?.error);
}

function failed(held: string[], why: string, error: unknown): string[] {
  logger.error('Copying the user\u2019s groups from the old pool failed; the next sign-in tries again', {
    metric: 'GroupCopyFailed',
    why,
    error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
  });
  metrics.addMetric('GroupCopyFailed', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return held;
}
