import * as z from 'zod';
import { ConfigInvalid } from '../errors.ts';
import { carryRuleFromEnv } from './attributes.ts';
import { parseTriggerEvent } from './event.ts';
import { copyGroups } from './groups.ts';
import { type OldPool, oldPoolFromEnv } from './old-pool.ts';

export interface PreTokenGenerationConfig {
  /** The attribute copied into `preferred_username`, as the old world's tokens carried it. */
  preferredUsernameFrom: string;
  /** The claim that carries the user's groups joined by ',', when the dependent services read one. */
  groupClaim?: string;
  /** The attribute the migration trigger keeps the old pool's `sub` in. */
  legacySubAttribute: string;
  /**
   * The claim that names the user as the old world did: the old pool's `sub` for a migrated user, the
   * user's own `sub` otherwise, so a service keyed by the old `sub` reads one claim for everyone.
   */
  legacySubClaim: string;
  /** Where a migrated user's group memberships are copied from; unset, nothing is copied. */
  groupsFrom?: OldPool;
}

// Cognito refuses to add or override these; failing at load beats failing every sign-in.
const RESERVED_CLAIMS = new Set([
  'acr',
  'amr',
  'aud',
  'at_hash',
  'auth_time',
  'azp',
  'cognito:groups',
  'cognito:username',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'sub',
  'token_use',
]);

/** Reads the trigger's configuration from `env`; the handler calls it at load so a misdeployment fails first. */
export function preTokenGenerationConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): PreTokenGenerationConfig {
  const preferredUsernameFrom = env.CLAIMS_PREFERRED_USERNAME_FROM?.trim() || 'email';
  const { legacySubAttribute } = carryRuleFromEnv({ LEGACY_SUB_ATTRIBUTE: env.LEGACY_SUB_ATTRIBUTE });
  const legacySubClaim = claimName('LEGACY_SUB_CLAIM', env.LEGACY_SUB_CLAIM?.trim() || 'legacy_sub');
  const groupClaim = env.GROUP_CLAIM?.trim();
  return {
    preferredUsernameFrom,
    legacySubAttribute,
    legacySubClaim,
    ...(groupClaim ? { groupClaim: claimName('GROUP_CLAIM', groupClaim) } : {}),
    ...(env.OLD_USER_POOL_ID?.trim() ? { groupsFrom: oldPoolFromEnv(env) } : {}),
  };
}

function claimName(variable: string, name: string): string {
  if (RESERVED_CLAIMS.has(name)) {
    throw new ConfigInvalid(`${variable} '${name}' is a claim Cognito will not override: pick another name.`);
  }
  return name;
}

// Only what addLegacyClaims reads. Cognito sends `claimsOverrideDetails: null`; cognito-local sends an
// empty groupConfiguration; everything else (version, region, userName, clientMetadata, ...) passes through.
const stringMap = z.record(z.string(), z.string());

/** The PreTokenGeneration (V1) event as addLegacyClaims reads it. */
const preTokenGenerationEvent = z.looseObject({
  triggerSource: z.string().startsWith('TokenGeneration_'),
  request: z.looseObject({
    userAttributes: stringMap,
    groupConfiguration: z.looseObject({ groupsToOverride: z.array(z.string()).nullish() }).nullish(),
  }),
  response: z.looseObject({
    claimsOverrideDetails: z
      .looseObject({
        claimsToAddOrOverride: stringMap.nullish(),
        groupOverrideDetails: z.looseObject({ groupsToOverride: z.array(z.string()).nullish() }).nullish(),
      })
      .nullish(),
  }),
  userName: z.string().min(1),
  userPoolId: z.string().min(1),
});

/**
 * A user signing in with their password (or answering a challenge to): the moments a migrated user's
 * groups are copied. Not a token refresh: the session began with a sign-in that already tried.
 */
const SIGN_INS = new Set([
  'TokenGeneration_Authentication',
  'TokenGeneration_HostedAuth',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
]);

export type PreTokenGenerationEvent = z.output<typeof preTokenGenerationEvent>;

/**
 * Adds the claims the dependent services read from the old pool's tokens, and, for a migrated user
 * the new pool has in no group yet, copies their old-pool groups first, so the very first token
 * carries them (`cognito:groups` and the group claim). The event is parsed here rather than in the
 * handler so the sandbox and the emulator tests, which call this directly, check the same schema
 * against the events they send.
 */
export async function addLegacyClaims(
  untrusted: unknown,
  config: PreTokenGenerationConfig,
): Promise<PreTokenGenerationEvent> {
  const event = parseTriggerEvent('PreTokenGeneration', preTokenGenerationEvent, untrusted);
  const claims: Record<string, string> = {};
  const attributes = event.request.userAttributes;
  const preferred = attributes[config.preferredUsernameFrom];
  if (preferred) claims.preferred_username = preferred;
  const migratedFrom = attributes[config.legacySubAttribute];
  const legacySub = migratedFrom ?? attributes.sub;
  if (legacySub) claims[config.legacySubClaim] = legacySub;
  const details = event.response.claimsOverrideDetails ?? {};
  let groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  if (config.groupsFrom && migratedFrom && groups.length === 0 && SIGN_INS.has(event.triggerSource)) {
    const copied = await copyGroups(config.groupsFrom, {
      newUserPoolId: event.userPoolId,
      username: event.userName,
      legacySub: migratedFrom,
    });
    if (copied.length > 0) {
      groups = copied;
      details.groupOverrideDetails = { ...details.groupOverrideDetails, groupsToOverride: copied };
    }
  }
  // Always present when configured, even empty, so a reader never meets a missing claim.
  if (config.groupClaim) claims[config.groupClaim] = groups.join(',');
  event.response.claimsOverrideDetails = {
    ...details,
    claimsToAddOrOverride: { ...details.claimsToAddOrOverride, ...claims },
  };
  return event;
}
