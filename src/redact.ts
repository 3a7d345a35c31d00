import { createHash } from 'node:crypto';

/**
 * A value that must not be shown (a secret's, a SecureString's) as a short digest: enough to tell
 * two versions apart in a report, too short to be worth keeping.
 */
export function digest(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

// A user pool id (eu-west-2_AbC123) or a pool's ARN: what a binding switches, and no secret.
const POOL = /^(arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/)?[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/;

/** A value read from a secret or a SecureString, shown only when it is a user pool id or ARN. */
export function shown(value: string): string {
  return POOL.test(value) ? value : digest(value);
}
