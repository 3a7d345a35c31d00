// Read side of ../secret.ts, apart from its write for least privilege: Preflight only reads.

import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as aws from '../../../aws/aws.ts';
import { named } from '../../../aws/clients.ts';
import { PreflightFailed } from '../../../errors.ts';
import type { ResourceReader } from '../resource.ts';

export interface SecretRef {
  secretId: string;
}

export interface SecretState {
  /** The current version's SecretString. */
  value: string;
}

/**
 * The secret's new text: `value` itself, or with `jsonKey` the JSON object with only that key
 * set, every other key kept in its place. Already set, the text is returned untouched so that
 * reformatting alone never counts as a change.
 */
export function withJsonKey(
  current: string,
  jsonKey: string | undefined,
  value: string,
  secretId: string,
): string {
  if (jsonKey === undefined) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PreflightFailed([
      `secret ${secretId} is not a JSON object but the plan sets jsonKey ${jsonKey}: remove jsonKey from the binding or store the secret as JSON`,
    ]);
  }
  const object = parsed as Record<string, unknown>;
  if (object[jsonKey] === value) return current;
  return JSON.stringify({ ...object, [jsonKey]: value });
}

export const secretReader: ResourceReader<SecretRef, SecretState> = {
  kind: 'secret',
  key: (ref) => `secret:${ref.secretId}`,
  label: (ref) => `secret ${ref.secretId}`,

  async read(region, ref) {
    const out = await named(
      `reading secret ${ref.secretId}`,
      aws.secrets(region).send(new GetSecretValueCommand({ SecretId: ref.secretId })),
    );
    if (out.SecretString === undefined) {
      throw new PreflightFailed([
        `secret ${ref.secretId} holds binary data, not a string: store the pool id as a SecretString`,
      ]);
    }
    return { value: out.SecretString };
  },
};
