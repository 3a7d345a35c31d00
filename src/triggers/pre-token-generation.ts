import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { ConfigInvalid } from '../errors.ts';

export interface PreTokenGenerationConfig {
  /** The attribute copied into `preferred_username`, as the old world's tokens carried it. */
  preferredUsernameFrom: string;
  /** The claim that carries the user's groups joined by ',', when the dependent services read one. */
  groupClaim?: string;
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
  const groupClaim = env.GROUP_CLAIM?.trim();
  if (!groupClaim) return { preferredUsernameFrom };
  if (RESERVED_CLAIMS.has(groupClaim)) {
    throw new ConfigInvalid(
      `GROUP_CLAIM '${groupClaim}' is a claim Cognito will not override: pick another name.`,
    );
  }
  return { preferredUsernameFrom, groupClaim };
}

/** Adds the claims the dependent services read from the old pool's tokens. No AWS calls. */
export function addLegacyClaims(
  event: PreTokenGenerationTriggerEvent,
  config: PreTokenGenerationConfig,
): PreTokenGenerationTriggerEvent {
  const claims: Record<string, string> = {};
  const preferred = event.request.userAttributes[config.preferredUsernameFrom];
  if (preferred) claims.preferred_username = preferred;
  // Always present when configured, even empty, so a reader never meets a missing claim.
  if (config.groupClaim) {
    claims[config.groupClaim] = (event.request.groupConfiguration?.groupsToOverride ?? []).join(',');
  }
  const details = event.response.claimsOverrideDetails ?? {};
  event.response.claimsOverrideDetails = {
    ...details,
    claimsToAddOrOverride: { ...details.claimsToAddOrOverride, ...claims },
  };
  return event;
}
