import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { type SecretRef, type SecretState, secretReader } from './reads/secret.ts';
import type { Resource } from './resource.ts';

export { type SecretRef, type SecretState, withJsonKey } from './reads/secret.ts';

export const secret: Resource<SecretRef, SecretState> = {
  ...secretReader,

  async write(region, ref, to) {
    await named(
      `writing secret ${ref.secretId}`,
      aws.secrets(region).send(new PutSecretValueCommand({ SecretId: ref.secretId, SecretString: to.value })),
    );
    return [];
  },
};
