import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import { AwsTransient, PreflightFailed } from '../../errors.ts';
import type { HealthCheck, Plan } from '../../plan/schema.ts';

// The canary's reads: its secret and its user in the old pool. Apart from the sign-in (canary.ts),
// which migrates and deletes, so Preflight and the dry-run are granted only these.

export type SignInCheck = Extract<HealthCheck, { kind: 'cognito-sign-in' }>;

export interface Canary {
  username: string;
  password: string;
}

/**
 * The canary's credentials. They live in Secrets Manager only: never in the plan, the execution's
 * input or its history, so nothing here returns them or puts them in a message.
 */
export async function canaryOf(region: string, secretId: string): Promise<Canary> {
  const out = await named(
    `reading the canary secret ${secretId}`,
    aws.secrets(region).send(new GetSecretValueCommand({ SecretId: secretId })),
  );
  let value: unknown;
  try {
    value = JSON.parse(out.SecretString ?? '');
  } catch {
    value = undefined;
  }
  const { username, password } = (value ?? {}) as Partial<Canary>;
  if (typeof username !== 'string' || !username || typeof password !== 'string' || !password) {
    throw new PreflightFailed([
      `secret ${secretId} must hold JSON {"username": "...", "password": "..."} of a user of the old pool`,
    ]);
  }
  return { username, password };
}

/** For Preflight: the canary's secret is readable and names an enabled, confirmed user of the old pool. */
export async function canaryReady(plan: Plan, check: SignInCheck): Promise<string> {
  const { username } = await canaryOf(plan.region, check.canarySecretId);
  let user: Awaited<ReturnType<typeof getUser>>;
  try {
    user = await getUser(plan.region, plan.oldPool.userPoolId, username);
  } catch (error) {
    if (!isNotFound(error, 'UserNotFoundException')) throw error;
    throw new PreflightFailed([
      `canary ${username} is not a user of the old pool ${plan.oldPool.userPoolId}: create it there (the check signs it in through the new pool, so it must migrate)`,
    ]);
  }
  if (user.Enabled === false || user.UserStatus !== 'CONFIRMED') {
    throw new PreflightFailed([
      `canary ${username} is ${user.Enabled === false ? 'disabled' : user.UserStatus} in the old pool: enable it and give it a permanent password (admin-set-user-password --permanent)`,
    ]);
  }
  return `canary ${username} of the old pool`;
}

/** `canaryReady` as a health check's result, for a dry-run, which must not sign in. */
export async function canaryReadiness(plan: Plan, check: SignInCheck) {
  const label = 'canary ready to sign in through the new pool (dry-run)';
  try {
    return { check: label, ok: true, detail: await canaryReady(plan, check) };
  } catch (error) {
    return { check: label, ok: false, detail: detailOf(error) };
  }
}

function getUser(region: string, pool: string, username: string) {
  return named(
    `reading user ${username} of ${pool}`,
    aws.cognito(region).send(new AdminGetUserCommand({ UserPoolId: pool, Username: username })),
  );
}

/** A failure's words for the check's detail; a transient error is rethrown so the state retries the poll. */
export function detailOf(error: unknown): string {
  if (error instanceof AwsTransient) throw error;
  if (error instanceof PreflightFailed) return error.problems.join('; ');
  return (error as Error).message;
}
