import { AdminDeleteUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import { clientSecretOf, withSecretHash } from '../../aws/secret-hash.ts';
import type { Plan } from '../../plan/schema.ts';
import { type Canary, canaryOf, detailOf, type SignInCheck } from './canary-ready.ts';

export type { SignInCheck };

/** The claims every ID token of the new pool must carry, whatever the plan expects besides. */
const ALWAYS = ['iss', 'aud', 'token_use'];

/** Takes the canary out of the new pool so the next sign-in goes through migration again. */
async function removeFromNewPool(plan: Plan, username: string): Promise<void> {
  try {
    await named(
      `deleting canary ${username} from the new pool`,
      aws
        .cognito(plan.region)
        .send(new AdminDeleteUserCommand({ UserPoolId: plan.newPool.userPoolId, Username: username })),
    );
  } catch (error) {
    if (!isNotFound(error, 'UserNotFoundException')) throw error;
  }
}

function claimsOf(idToken: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(idToken?.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/** What is wrong with the ID token's claims, or nothing. Values are never echoed: they may be personal. */
function claimProblems(plan: Plan, check: SignInCheck, claims: Record<string, unknown>): string[] {
  const problems = [...ALWAYS, ...check.expectClaims]
    .filter((name) => claims[name] === undefined || claims[name] === '')
    .map((name) => `claim ${name} missing`);
  const issuer = String(claims.iss ?? '');
  if (claims.iss !== undefined && !issuer.endsWith(`/${plan.newPool.userPoolId}`)) {
    problems.push('issued by another pool than the new one');
  }
  if (claims.aud !== undefined && claims.aud !== plan.newPool.appClientId) {
    problems.push(`audience is not app client ${plan.newPool.appClientId}`);
  }
  if (claims.token_use !== undefined && claims.token_use !== 'id') problems.push('not an ID token');
  return problems;
}

/**
 * Signs the canary in through the new pool with USER_PASSWORD_AUTH, as the admin UI does. The
 * canary lives in the old pool only, so every poll exercises the UserMigration trigger; passes
 * only when tokens come back with the expected claims. The canary is removed from the new pool
 * before and after, so a leftover never hides a broken trigger.
 */
export async function signInCanary(
  plan: Plan,
  check: SignInCheck,
): Promise<{ check: string; ok: boolean; detail: string }> {
  let canary: Canary;
  try {
    canary = await canaryOf(plan.region, check.canarySecretId);
  } catch (error) {
    return { check: 'sign-in through the new pool', ok: false, detail: detailOf(error) };
  }
  const label = `sign-in through the new pool as ${canary.username}`;
  const removal = `grant the cutover's role cognito-idp:AdminDeleteUser on the new pool ${plan.newPool.userPoolId}, or every poll after the first signs in without migrating`;
  // What went wrong taking the canary out, or nothing; a transient error still reaches the state's Retry.
  const remove = () =>
    removeFromNewPool(plan, canary.username).then(
      () => undefined,
      (error: unknown) => detailOf(error),
    );
  const before = await remove();
  if (before)
    return { check: label, ok: false, detail: `could not remove the canary first (${before}): ${removal}` };
  const result = await signIn(plan, check, canary);
  const after = await remove();
  if (after)
    return { check: label, ok: false, detail: `${result.detail}; then could not remove it (${after})` };
  return { check: label, ...result };
}

async function signIn(
  plan: Plan,
  check: SignInCheck,
  canary: Canary,
): Promise<{ ok: boolean; detail: string }> {
  try {
    // A confidential client (one with a secret) refuses a sign-in without SECRET_HASH.
    const clientId = plan.newPool.appClientId;
    const clientSecret = await named(
      `describing app client ${clientId} of ${plan.newPool.userPoolId}`,
      clientSecretOf(plan.region, plan.newPool.userPoolId, clientId),
    );
    const out = await named(
      `InitiateAuth on app client ${clientId}`,
      aws.cognito(plan.region).send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: withSecretHash(
            { USERNAME: canary.username, PASSWORD: canary.password },
            clientId,
            clientSecret,
          ),
        }),
      ),
    );
    if (out.ChallengeName) {
      return {
        ok: false,
        detail: `Cognito asked for ${out.ChallengeName}: give the canary a permanent password and no MFA in the old pool`,
      };
    }
    const problems = claimProblems(plan, check, claimsOf(out.AuthenticationResult?.IdToken));
    return problems.length === 0
      ? {
          ok: true,
          detail: `migrated and signed in; claims ${[...ALWAYS, ...check.expectClaims].join(', ')} present`,
        }
      : { ok: false, detail: `signed in, but ${problems.join('; ')}` };
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    // The canary's password is the old pool's own, so a refusal here is the trigger failing: the
    // reference incident's "incorrect username or password" means exactly that.
    const hint = REFUSALS.has(cause?.name ?? '')
      ? `. The password is right in the old pool, so the UserMigration trigger failed: read ${plan.newPool.migrationFunctionName}'s logs for MigrationMisconfigured, which names the fix`
      : '';
    return { ok: false, detail: `refused: ${detailOf(error)}${hint}` };
  }
}

const REFUSALS = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  'UserLambdaValidationException',
  'UnexpectedLambdaException',
  'InvalidLambdaResponseException',
]);
