import { requireEnv } from '../config.ts';
import { ConfigInvalid } from '../errors.ts';

/** The old pool a trigger reads from, and the region its API is in. */
export interface OldPool {
  oldUserPoolId: string;
  region: string;
}

/** A user pool id from a function's environment, and its region; `ConfigInvalid` with the fix when it is not one. */
export function poolFromEnv(
  variable: string,
  env: NodeJS.ProcessEnv,
): { userPoolId: string; region: string } {
  const userPoolId = requireEnv(variable, env);
  // A pool id starts with its region; an emulator's ids do not, and the function's own region serves.
  const region = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/.exec(userPoolId)?.[1] ?? env.AWS_REGION;
  if (!region || !/^[\w-]+_[0-9A-Za-z]+$/.test(userPoolId)) {
    throw new ConfigInvalid(
      `${variable} '${userPoolId}' is not a user pool id (like eu-west-2_AbCdEf123): fix it in serverless.yml.`,
    );
  }
  return { userPoolId, region };
}

/** `OLD_USER_POOL_ID` from a function's environment. */
export function oldPoolFromEnv(env: NodeJS.ProcessEnv): OldPool {
  const { userPoolId, region } = poolFromEnv('OLD_USER_POOL_ID', env);
  return { oldUserPoolId: userPoolId, region };
}
