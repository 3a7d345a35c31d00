import { createHmac } from 'node:crypto';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as aws from './aws.ts';

/**
 * An app client with a secret (a confidential client) refuses every sign-in that does not prove
 * it knows the secret: SECRET_HASH is Base64(HMAC-SHA256(secret, username + clientId))
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
 */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(`${username}${clientId}`, 'utf8').digest('base64');
}

/**
 * The app client's secret, read where it lives (DescribeUserPoolClient) and kept in this process
 * only; undefined for a client without one. Errors are the SDK's own, for the caller to name.
 */
export async function clientSecretOf(
  region: string,
  userPoolId: string,
  clientId: string,
  options: { abortSignal?: AbortSignal } = {},
): Promise<string | undefined> {
  const out = await aws
    .cognito(region)
    .send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }), options);
  return out.UserPoolClient?.ClientSecret || undefined;
}

/** The AuthParameters a sign-in adds for `clientSecret`: SECRET_HASH, or nothing for a public client. */
export function withSecretHash(
  parameters: Record<string, string>,
  clientId: string,
  clientSecret: string | undefined,
): Record<string, string> {
  const username = parameters.USERNAME ?? '';
  return clientSecret
    ? { ...parameters, SECRET_HASH: secretHash(username, clientId, clientSecret) }
    : parameters;
}
