import {
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
  UpdateUserPoolCommand,
  type UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import {
  type ClientRef,
  type ClientState,
  cognitoAppClientReader,
  cognitoMigrationTriggerReader,
  describeClient,
  describePool,
  type PoolRef,
  type TriggerState,
} from './reads/cognito-pool.ts';
import type { Resource } from './resource.ts';

export type { ClientRef, ClientState, PoolRef, TriggerState } from './reads/cognito-pool.ts';

/**
 * Cognito resets whatever an UpdateUserPool or UpdateUserPoolClient leaves out: the triggers, MFA,
 * deletion protection, a client's flows and token lifetimes
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-updating.html). So each
 * write reads the whole configuration and sends every field it can take back, with one change.
 */
const POOL_FIELDS = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'PoolName',
  'UserPoolTier',
] as const satisfies readonly (keyof UpdateUserPoolCommandInput)[];

const CLIENT_FIELDS = [
  'ClientName',
  'RefreshTokenValidity',
  'AccessTokenValidity',
  'IdTokenValidity',
  'TokenValidityUnits',
  'ReadAttributes',
  'WriteAttributes',
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
  'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
  'RefreshTokenRotation',
] as const satisfies readonly (keyof UpdateUserPoolClientCommandInput)[];

function pick<T extends object, K extends string>(from: T, keys: readonly K[]): Partial<Record<K, unknown>> {
  return Object.fromEntries(
    keys.flatMap((key) => (key in from ? [[key, (from as Record<string, unknown>)[key]]] : [])),
  ) as Partial<Record<K, unknown>>;
}

export const cognitoMigrationTrigger: Resource<PoolRef, TriggerState> = {
  ...cognitoMigrationTriggerReader,
  async write(region, ref, to) {
    const pool = await describePool(region, ref.userPoolId);
    const { UserMigration: _, ...others } = pool.LambdaConfig ?? {};
    const input = {
      ...pick(pool, POOL_FIELDS),
      UserPoolId: ref.userPoolId,
      LambdaConfig: { ...others, ...(to.userMigration ? { UserMigration: to.userMigration } : {}) },
    } as UpdateUserPoolCommandInput;
    await named(
      `setting the UserMigration trigger of user pool ${ref.userPoolId}`,
      aws.cognito(region).send(new UpdateUserPoolCommand(input)),
    );
    return [];
  },
};

export const cognitoAppClient: Resource<ClientRef, ClientState> = {
  ...cognitoAppClientReader,
  async write(region, ref, to) {
    const client = await describeClient(region, ref);
    const input = {
      ...pick(client, CLIENT_FIELDS),
      UserPoolId: ref.userPoolId,
      ClientId: ref.clientId,
      ExplicitAuthFlows: to.explicitAuthFlows,
      AllowedOAuthFlowsUserPoolClient: to.oauth,
    } as UpdateUserPoolClientCommandInput;
    await named(
      `setting how users sign in through app client ${ref.clientId} of user pool ${ref.userPoolId}`,
      aws.cognito(region).send(new UpdateUserPoolClientCommand(input)),
    );
    return [];
  },
};
