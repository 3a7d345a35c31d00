// Read side of ../secret.ts, apart from its write for least privilege: Preflight only reads.

import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { SecretRef, SecretState } from '../../kinds/secret.ts';
import { digest, shown } from '../../redact.ts';
import type { ResourceReader } from '../resource.ts';

/** The secret's text and version as Secrets Manager holds them now: for the write alone, never for a report. */
export async function readSecretText(
  region: string,
  secretId: string,
): Promise<{ text: string; versionId: string }> {
  const out = await named(
    `reading secret ${secretId}`,
    aws.secrets(region).send(new GetSecretValueCommand({ SecretId: secretId })),
  );
  if (out.SecretString === undefined) {
    throw new PreflightFailed([
      `secret ${secretId} holds binary data, not a string: store the pool id as a SecretString`,
    ]);
  }
  return { text: out.SecretString, versionId: out.VersionId ?? '' };
}

function jsonObject(text: string, jsonKey: string, secretId: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PreflightFailed([
      `secret ${secretId} is not a JSON object but the plan sets jsonKey ${jsonKey}: remove jsonKey from the binding or store the secret as JSON`,
    ]);
  }
  return parsed as Record<string, unknown>;
}

/** The switched value of a secret's text, and a digest of the rest. */
function parts(text: string, ref: SecretRef): { value: string; rest?: string } {
  if (ref.jsonKey === undefined) return { value: text };
  const { [ref.jsonKey]: value, ...rest } = jsonObject(text, ref.jsonKey, ref.secretId);
  return {
    value: typeof value === 'string' ? value : JSON.stringify(value ?? null),
    rest: digest(JSON.stringify(rest)),
  };
}

/** The state a secret's text is in. */
export function secretState(text: string, versionId: string, ref: SecretRef): SecretState {
  const { value, rest } = parts(text, ref);
  return { versionId, value: shown(value), digest: digest(value), ...(rest ? { rest } : {}) };
}

/**
 * The secret's new text: `value` itself, or with `jsonKey` the JSON object with only that key
 * set, every other key kept in its place.
 */
export function withJsonKey(text: string, ref: SecretRef, value: string): string {
  if (ref.jsonKey === undefined) return value;
  const object = jsonObject(text, ref.jsonKey, ref.secretId);
  return JSON.stringify({ ...object, [ref.jsonKey]: value });
}

export const secretReader: ResourceReader<SecretRef, SecretState> = {
  kind: 'secret',
  key: (ref) => `secret:${ref.secretId}`,
  label: (ref) => `secret ${ref.secretId}`,

  async read(region, ref) {
    const { text, versionId } = await readSecretText(region, ref.secretId);
    return secretState(text, versionId, ref);
  },

  // The version is where it is stored, not what it holds: a rewritten, equal value is the same.
  same: (a, b) => a.digest === b.digest && a.rest === b.rest,
};
