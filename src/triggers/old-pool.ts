import { requireEnv } from '../config.ts';
import { ConfigInvalid } from '../errors.ts';

/** The old pool a trigger reads from, and the region its API is in. */
export interface OldPool {
  oldUserPoolId: string;
  region: string;
}

/** `OLD_USER_POOL_ID` from a function's environment; `ConfigInvalid` with the fix when it is not a pool id. */
export function oldPoolFromEnv(env: NodeJS.ProcessEnv): OldPool {
  const oldUserPoolId = requireEnv('OLD_USER_POOL_ID', env);
  // A pool id starts with its region; an emulator's ids do not, and the function's own region serves.
  const region = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/.exec(oldUserPoolId)?.[1] ?? env.AWS_REGION;
  if (!region || !/^[\w-]+_[0-9A-Za-z]+$/.test(oldUserPoolId)) {
    throw new ConfigInvalid(
      `OLD_USER_POOL_ID '${oldUserPoolId}' is not a user pool id (like eu-west-2_AbCdEf123): fix it in serverless.yml.`,
    );
  }
  return { oldUserPoolId, region };
}
