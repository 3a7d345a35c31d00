import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { SecretRef, SecretState } from '../kinds/secret.ts';
import { readSecretText, secretReader, withJsonKey } from './reads/secret.ts';
import type { Resource } from './resource.ts';

export { type SecretRef, type SecretState, secretRef, switchedTo } from '../kinds/secret.ts';

/**
 * Switching writes a new version with one key changed, read and written here so that no part of
 * the secret leaves this function. Restoring keeps no copy either: Secrets Manager keeps the
 * version the cutover found (PutSecretValue labelled it AWSPREVIOUS), so the AWSCURRENT label moves
 * back to it (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
 */
export const secret: Resource<SecretRef, SecretState> = {
  ...secretReader,

  async write(region, ref, to, from) {
    const client = aws.secrets(region);
    if (to.versionId !== from.versionId) {
      await named(
        `moving AWSCURRENT of secret ${ref.secretId} back to version ${to.versionId}`,
        client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: ref.secretId,
            VersionStage: 'AWSCURRENT',
            MoveToVersionId: to.versionId,
            RemoveFromVersionId: from.versionId,
          }),
        ),
      );
      return [];
    }
    // Switching: `to.value` is the plan's own value, which is no secret.
    const { text } = await readSecretText(region, ref.secretId);
    await named(
      `writing secret ${ref.secretId}`,
      client.send(
        new PutSecretValueCommand({ SecretId: ref.secretId, SecretString: withJsonKey(text, ref, to.value) }),
      ),
    );
    return [];
  },
};
