import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { toNamedError } from '../../aws/clients.ts';
import { type CarryRule, carriedAttributes } from '../../triggers/attributes.ts';
import { oldGroups } from '../../triggers/old-groups.ts';

/**
 * Moving one user who never signed in from the old pool to the new one, with what the migration
 * trigger gives a user who does: the attributes the carry rule keeps, the old `sub` in the legacy
 * attribute, and the same groups. No password travels (Cognito never reveals one), so the user is left
 * in RESET_REQUIRED: their next sign-in answers PasswordResetRequiredException and the app takes them
 * through "forgot password", as for users a Cognito import job creates
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-using-import-tool.html).
 * One rule for the sweep, `cutover migrate-user` and the function the user-management service invokes.
 */

export interface MovePools {
  oldUserPoolId: string;
  newUserPoolId: string;
  /** Both pools' region: a plan's pools are in its region. */
  region: string;
}

export type MoveOutcome =
  /** Created in the new pool, RESET_REQUIRED, in `groups` groups. `missingGroups` the new pool lacks. */
  | { outcome: 'moved'; groups: number; missingGroups: string[] }
  /** Signed in (or was moved) before: nothing changed. */
  | { outcome: 'already-in-new-pool' }
  | { outcome: 'not-in-old-pool' }
  /** The new pool refused the user, in Cognito's words (an attribute its schema lacks, say). */
  | { outcome: 'refused'; reason: string };

const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

/**
 * A password nobody knows, to take the user from FORCE_CHANGE_PASSWORD to CONFIRMED so that Cognito
 * lets it be reset: 48 random characters and one of each class a password policy may require.
 */
const unknowable = () => `${randomBytes(36).toString('base64url')}aA1!`;

/** The old pool's user, or undefined when it has none of that name. */
async function oldUser(pools: MovePools, username: string): Promise<AttributeType[] | undefined> {
  try {
    const user = await aws
      .cognito(pools.region)
      .send(new AdminGetUserCommand({ UserPoolId: pools.oldUserPoolId, Username: username }));
    return user.UserAttributes ?? [];
  } catch (error) {
    if (isNamed(error, 'UserNotFoundException')) return undefined;
    throw error;
  }
}

/**
 * Whether a user the new pool already has is one an earlier move left half done: created (with the
 * same legacy `sub`) but stopped before its password was reset.
 */
async function halfMoved(pools: MovePools, username: string, legacy: [string, string] | undefined) {
  if (!legacy) return false;
  const user = await aws
    .cognito(pools.region)
    .send(new AdminGetUserCommand({ UserPoolId: pools.newUserPoolId, Username: username }));
  return (
    user.UserStatus === 'FORCE_CHANGE_PASSWORD' &&
    user.UserAttributes?.some((a) => a.Name === legacy[0] && a.Value === legacy[1]) === true
  );
}

/**
 * Creates the user with the carried attributes: `exists` when the pool has one of that name already,
 * or the reason the pool refused (its schema lacks an attribute the old user carries, say: Cognito's
 * message names it).
 */
async function create(
  pools: MovePools,
  username: string,
  attributes: Record<string, string>,
): Promise<'created' | 'exists' | { refused: string }> {
  try {
    await aws.cognito(pools.region).send(
      new AdminCreateUserCommand({
        UserPoolId: pools.newUserPoolId,
        Username: username,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        // The user is told by the product, before the sweep; Cognito sends no invitation.
        MessageAction: 'SUPPRESS',
      }),
    );
    return 'created';
  } catch (error) {
    if (isNamed(error, 'UsernameExistsException')) return 'exists';
    if (isNamed(error, 'InvalidParameterException')) return { refused: (error as Error).message };
    throw error;
  }
}

/** CONFIRMED with a password nobody knows, then RESET_REQUIRED. */
async function requireReset(pools: MovePools, username: string): Promise<void> {
  const cognito = aws.cognito(pools.region);
  const user = { UserPoolId: pools.newUserPoolId, Username: username };
  await cognito.send(new AdminSetUserPasswordCommand({ ...user, Password: unknowable(), Permanent: true }));
  await cognito.send(new AdminResetUserPasswordCommand(user));
}

/** The user's old groups added in the new pool by name; those the new pool lacks are answered, not thrown. */
async function copyGroups(pools: MovePools, username: string) {
  const wanted = await oldGroups({ oldUserPoolId: pools.oldUserPoolId, region: pools.region }, username);
  const missingGroups: string[] = [];
  for (const GroupName of wanted) {
    try {
      await aws
        .cognito(pools.region)
        .send(
          new AdminAddUserToGroupCommand({ UserPoolId: pools.newUserPoolId, Username: username, GroupName }),
        );
    } catch (error) {
      if (!isNamed(error, 'ResourceNotFoundException')) throw error;
      missingGroups.push(GroupName);
    }
  }
  return { groups: wanted.length - missingGroups.length, missingGroups };
}

/**
 * Moves `username` now. Running it again changes nothing ("already in the new pool"), and it finishes
 * a move that stopped half way. `attributes`: the old user's, when the caller has read them already
 * (the sweep reads them a page at a time). A throttled or failed call throws a named error.
 */
export async function moveUser(
  pools: MovePools,
  carry: CarryRule,
  username: string,
  attributes?: AttributeType[],
): Promise<MoveOutcome> {
  try {
    const old = attributes ?? (await oldUser(pools, username));
    if (!old) return { outcome: 'not-in-old-pool' };
    const carried = carriedAttributes(old, carry);
    const legacy = carried[carry.legacySubAttribute];
    const created = await create(pools, username, carried);
    if (typeof created === 'object') return { outcome: 'refused', reason: created.refused };
    const resume = legacy ? ([carry.legacySubAttribute, legacy] as [string, string]) : undefined;
    if (created === 'exists' && !(await halfMoved(pools, username, resume)))
      return { outcome: 'already-in-new-pool' };
    // Groups first, the reset last: a move stopped before the reset is still FORCE_CHANGE_PASSWORD,
    // which the next run finishes whole, groups included.
    const groups = await copyGroups(pools, username);
    await requireReset(pools, username);
    return { outcome: 'moved', ...groups };
  } catch (error) {
    throw toNamedError(error, `moving a user from ${pools.oldUserPoolId} to ${pools.newUserPoolId}`);
  }
}
