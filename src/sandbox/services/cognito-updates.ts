import type {
  ExplicitAuthFlowsType,
  UpdateUserPoolClientCommandInput,
  UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Env } from '../core.ts';
import { clientOf, poolOf } from './cognito-pools.ts';

/**
 * UpdateUserPool and UpdateUserPoolClient as Cognito makes them: "If you don't provide a value for an
 * attribute, Amazon Cognito sets it to its default value", so an update that sends one field resets
 * the triggers, the MFA setting, deletion protection, a client's auth flows and token lifetimes
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-updating.html). Whoever
 * updates must read the whole configuration and send it back with their change.
 */

export function UpdateUserPool(input: UpdateUserPoolCommandInput, { world }: Env): object {
  const pool = poolOf(world, input.UserPoolId);
  pool.lambdaConfig = Object.fromEntries(
    Object.entries(input.LambdaConfig ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  pool.mfa = input.MfaConfiguration ?? 'OFF';
  pool.deletionProtection = input.DeletionProtection ?? 'INACTIVE';
  return {};
}

/** What a client that names no flows supports (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html). */
const DEFAULT_FLOWS: ExplicitAuthFlowsType[] = [
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_CUSTOM_AUTH',
];

export function UpdateUserPoolClient(input: UpdateUserPoolClientCommandInput, { world }: Env): object {
  const client = clientOf(poolOf(world, input.UserPoolId), input.ClientId);
  // An empty list is no list: the defaults again.
  client.explicitAuthFlows = input.ExplicitAuthFlows?.length
    ? [...input.ExplicitAuthFlows]
    : [...DEFAULT_FLOWS];
  client.preventUserExistenceErrors = input.PreventUserExistenceErrors === 'ENABLED';
  client.accessTokenValidityMinutes = input.AccessTokenValidity ?? 60;
  client.idTokenValidityMinutes = input.IdTokenValidity ?? 60;
  client.oauth = input.AllowedOAuthFlowsUserPoolClient === true;
  if (input.ReadAttributes) client.readAttributes = [...input.ReadAttributes];
  else delete client.readAttributes;
  if (input.ClientName) client.clientName = input.ClientName;
  return {};
}
