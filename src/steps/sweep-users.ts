import {
  AdminGetUserCommand,
  ListUsersCommand,
  type ListUsersCommandOutput,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { AwsTransient, SweepFailing } from '../errors.ts';
import type { SweptUser } from '../ledger/sweeps.ts';
import { recordSwept } from '../ledger/swept.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import type { CarryRule } from '../triggers/attributes.ts';
import { type MoveOutcome, moveUser } from './core/move-user.ts';
import { pace } from './core/pace.ts';
import type { ShardProgress, SweepSettings } from './core/sweep.ts';

/**
 * One call of a shard's worker: reads its share of users from the old pool (ListUsers, those whose
 * `sub` starts with the shard's digits) and moves each, or, as a dry-run, only looks them up in the
 * new pool. A call handles at most its worker's share of the plan's rate for one second, then the
 * machine's Wait keeps the pace; a throttled call stops where it was and backs off, so every count
 * stays exact and nothing is moved twice.
 */

export interface SweepCall {
  settings: SweepSettings;
  shard: string;
  progress: ShardProgress;
  ledger: LedgerLocation;
  carry: CarryRule;
}

/** Longest back-off after throttling, in seconds: Step Functions' own retries cap near it too. */
const MAX_BACKOFF = 64;

/** Users who cannot sign in with a password, or may not: moved, they would gain what they lack. */
function notMovable(user: UserType): string | undefined {
  if (user.Enabled === false) return 'disabled in the old pool: not moved, so they stay unable to sign in';
  if (user.UserStatus === 'EXTERNAL_PROVIDER')
    return 'signs in through an external identity provider: link the provider in the new pool instead';
  return undefined;
}

/** As a dry-run: whether the new pool has the user already, by the same name. */
async function lookUp(settings: SweepSettings, username: string): Promise<MoveOutcome> {
  try {
    await aws
      .cognito(settings.region)
      .send(new AdminGetUserCommand({ UserPoolId: settings.newUserPoolId, Username: username }));
    return { outcome: 'already-in-new-pool' };
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException')
      return { outcome: 'moved', groups: 0, missingGroups: [] };
    throw error;
  }
}

async function readPage(call: SweepCall, limit: number): Promise<ListUsersCommandOutput> {
  const { settings, shard, progress } = call;
  return named(
    `listing the users of ${settings.oldUserPoolId} whose sub starts with ${shard}`,
    aws.cognito(settings.region).send(
      new ListUsersCommand({
        UserPoolId: settings.oldUserPoolId,
        Filter: `sub ^= "${shard}"`,
        Limit: limit,
        ...(progress.next ? { PaginationToken: progress.next } : {}),
      }),
    ),
  );
}

/**
 * Keeps in the ledger who was not moved whole, and why, then counts the outcome: a ledger write that
 * is throttled leaves the count untouched, and the user is dealt with again after the back-off.
 */
async function tally(call: SweepCall, username: string, outcome: MoveOutcome, progress: ShardProgress) {
  const keep = async (user: Omit<SweptUser, 'username'>) => {
    if (!call.settings.dryRun) await recordSwept(call.ledger, call.settings.sweepId, { username, ...user });
  };
  switch (outcome.outcome) {
    case 'moved':
      if (outcome.missingGroups.length > 0)
        await keep({
          outcome: 'incomplete',
          reason: `moved without group(s) ${outcome.missingGroups.join(', ')}, which the new pool lacks: create them with the same names, then run \`cutover migrate-user\` for this user`,
        });
      progress.moved++;
      return;
    case 'already-in-new-pool':
      progress.alreadyInNewPool++;
      return;
    case 'not-in-old-pool':
      // Deleted from the old pool between the listing and the move: nobody to move.
      progress.skipped++;
      return;
    case 'refused':
      await keep({ outcome: 'refused', reason: outcome.reason });
      progress.failed++;
  }
}

/** Stops a shard whose users the new pool refuses more often than the sweep tolerates. */
function checkFailures(call: SweepCall, progress: ShardProgress): void {
  const handled = progress.moved + progress.alreadyInNewPool + progress.failed;
  if (handled < 50 || (progress.failed / handled) * 100 <= call.settings.toleratedFailurePercent) return;
  throw new SweepFailing(
    `The new pool ${call.settings.newUserPoolId} refused ${progress.failed} of the ${handled} users of shard ${call.shard} (more than ${call.settings.toleratedFailurePercent}%): \`cutover sweep --failures ${call.settings.sweepId}\` lists them and why. Fix the cause, then start the sweep again; it skips the users already moved.`,
  );
}

export async function sweepUsers(call: SweepCall): Promise<ShardProgress> {
  const { settings } = call;
  const { pages: share, waitSeconds } = pace(settings.perSecond, settings.workers);
  const progress: ShardProgress = { ...call.progress };
  // Read past the users an earlier call of this page already dealt with, then a share more.
  const page = await readPage(call, Math.min(60, progress.skip + share));
  const users = (page.Users ?? []).slice(progress.skip);
  for (const user of users) {
    const username = user.Username ?? '';
    try {
      const unmovable = notMovable(user);
      if (unmovable) {
        if (!settings.dryRun)
          await recordSwept(call.ledger, settings.sweepId, {
            username,
            outcome: 'skipped',
            reason: unmovable,
          });
        progress.skipped++;
      } else {
        const outcome = settings.dryRun
          ? await lookUp(settings, username)
          : await moveUser(settings, call.carry, username, user.Attributes ?? []);
        await tally(call, username, outcome, progress);
      }
    } catch (error) {
      if (!(error instanceof AwsTransient) && (error as Error).name !== 'TooManyRequestsException')
        throw error;
      // Throttled (by Cognito, or by the ledger): come back to this user after a back-off.
      const backoff = Math.min(MAX_BACKOFF, Math.max(2, progress.backoff * 2));
      return { ...progress, throttled: progress.throttled + 1, backoff, waitSeconds: backoff };
    }
    progress.scanned++;
    progress.skip++;
    checkFailures(call, progress);
  }
  const next = page.PaginationToken ?? null;
  return { ...progress, next, skip: 0, done: next === null, backoff: 0, waitSeconds };
}
