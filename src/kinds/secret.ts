import { digest } from '../redact.ts';
import { type Kind, valueNow } from './kind.ts';

export interface SecretRef {
  secretId: string;
  /** The key of a JSON secret that holds the pool; without it the whole secret does. */
  jsonKey?: string;
}

/** The ref of a plan's secret binding. */
export const secretRef = (binding: { secretId: string; jsonKey?: string | undefined }): SecretRef => ({
  secretId: binding.secretId,
  ...(binding.jsonKey !== undefined ? { jsonKey: binding.jsonKey } : {}),
});

/**
 * What the cutover knows of a secret, which holds no part of its value: the ledger, the execution's
 * state and every report carry this, never the SecretString.
 */
export interface SecretState {
  /** The version labelled AWSCURRENT; a restore moves the label back to it. */
  versionId: string;
  /** The switched value (jsonKey's, or the whole text): a user pool id or ARN as it is, anything else as a digest. */
  value: string;
  /** Digest of the switched value, by which two states are compared. */
  digest: string;
  /** Digest of the secret's other keys, which the cutover keeps byte for byte. */
  rest?: string;
}

/** The state the secret is in once the binding's value is written: same version, new value. */
export function switchedTo(current: SecretState, value: string): SecretState {
  return { ...current, value, digest: digest(value) };
}

export const secret: Kind<'secret', SecretRef, SecretState> = {
  restoredBy: { service: 'SecretsManager', command: 'UpdateSecretVersionStage' },
  commands: {
    read: ['SecretsManager:GetSecretValue'],
    write: ['SecretsManager:PutSecretValue', 'SecretsManager:UpdateSecretVersionStage'],
  },
  binding: {
    ref: secretRef,
    check: (b) => `secret ${b.secretId}`,
    approval: (b) => `secret ${b.secretId}${b.jsonKey ? ` (${b.jsonKey})` : ''}`,
    switched: (current, b, to) => switchedTo(current, valueNow(b, to)),
    // Refuses a secret that is not JSON when the binding names a key of it (the read does).
    summary: (state, b) => (b.jsonKey ? `JSON; ${b.jsonKey} holds ${state.value}` : `holds ${state.value}`),
    iam: (b) => ({ secret: [b.secretId] }),
  },
};
