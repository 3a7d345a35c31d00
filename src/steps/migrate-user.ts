import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { type CarryRule, carryRuleFromEnv } from '../triggers/attributes.ts';
import { poolFromEnv } from '../triggers/old-pool.ts';
import { type MoveOutcome, type MovePools, moveUser } from './core/move-user.ts';

/**
 * One user, now: what an admin needs when they open a user who is still only in the old pool. The
 * user-management service invokes the stage's migrateUser function with this payload (operators run
 * `cutover migrate-user`), and the answer says what happened and what the user meets next.
 */
export const migrateUserRequest = z.strictObject({
  // Cognito's usernames are 1 to 128 characters.
  username: z.string().min(1).max(128).describe('The user to move, as the old pool names them.'),
});
export type MigrateUserRequest = z.output<typeof migrateUserRequest>;

export interface MigrateUserConfig {
  pools: MovePools;
  carry: CarryRule;
}

/** The pools and the carry rule, from the function's environment (the trigger's own variables). */
export function migrateUserConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MigrateUserConfig {
  const old = poolFromEnv('OLD_USER_POOL_ID', env);
  const moved = poolFromEnv('NEW_USER_POOL_ID', env);
  return {
    pools: { oldUserPoolId: old.userPoolId, newUserPoolId: moved.userPoolId, region: moved.region },
    carry: carryRuleFromEnv(env),
  };
}

export type MigrateUserAnswer = MoveOutcome & { username: string; message: string };

/** What the outcome means for the admin, and what to do next. */
export function messageFor(outcome: MoveOutcome, pools: MovePools): string {
  switch (outcome.outcome) {
    case 'moved': {
      const missing =
        outcome.missingGroups.length > 0
          ? ` The new pool lacks group(s) ${outcome.missingGroups.join(', ')}: create them with the same names and run this again.`
          : '';
      return `Moved to ${pools.newUserPoolId} with ${outcome.groups} group(s): at their next sign-in they must reset their password ("forgot password").${missing}`;
    }
    case 'already-in-new-pool':
      return `Already in ${pools.newUserPoolId}: nothing changed.`;
    case 'not-in-old-pool':
      return `Not in ${pools.oldUserPoolId}: there is nobody of that name to move; check the spelling (usernames may be case sensitive).`;
    case 'refused':
      return `${pools.newUserPoolId} refused the user: ${outcome.reason} Add the attribute to the new pool's schema, or leave it out of MIGRATED_ATTRIBUTES, then run this again.`;
  }
}

export async function migrateOneUser(
  request: MigrateUserRequest,
  config: MigrateUserConfig,
): Promise<MigrateUserAnswer> {
  const outcome = await moveUser(config.pools, config.carry, request.username);
  // The outcome only: a username is personal data, and stays with the caller who gave it.
  logger.info('One user migrated on demand', { outcome: outcome.outcome });
  if (outcome.outcome === 'moved') {
    metrics.addMetric('UsersMovedOnDemand', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
  return { ...outcome, username: request.username, message: messageFor(outcome, config.pools) };
}
