import {
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  InvalidRequestException,
  type PutSecretValueCommandInput,
  type PutSecretValueCommandOutput,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { type Env, fail, type Out, type ServiceModel, uuid } from '../core.ts';
import type { Secret, World } from '../world.ts';

/** A secret may be named by name or by its full ARN. */
function secretOf(world: World, id: string | undefined): Secret {
  const secret = world.secrets.get(id ?? '') ?? [...world.secrets.values()].find((s) => s.arn === id);
  return secret ?? fail(ResourceNotFoundException, "Secrets Manager can't find the specified secret.");
}

function GetSecretValue(input: GetSecretValueCommandInput, { world }: Env): Out<GetSecretValueCommandOutput> {
  const secret = secretOf(world, input.SecretId);
  if (input.VersionId && input.VersionId !== secret.versionId) {
    fail(ResourceNotFoundException, "Secrets Manager can't find the specified secret value for VersionId");
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
    SecretString: secret.value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: new Date(secret.lastChangedAt),
  };
}

function PutSecretValue(
  input: PutSecretValueCommandInput,
  { world, now }: Env,
): Out<PutSecretValueCommandOutput> {
  const secret = secretOf(world, input.SecretId);
  if (input.SecretBinary !== undefined)
    fail(InvalidRequestException, 'The sandbox keeps SecretString values only.');
  if (input.SecretString === undefined) {
    fail(InvalidRequestException, 'You must provide either SecretString or SecretBinary.');
  }
  // The token is the version id: a retried call with the same token and value is a no-op.
  if (input.ClientRequestToken && input.ClientRequestToken === secret.versionId) {
    if (input.SecretString !== secret.value) {
      fail(
        ResourceExistsException,
        `You can't modify an existing version, you can only create a new version.`,
      );
    }
  } else {
    secret.previousVersionId = secret.versionId;
    secret.versionId = input.ClientRequestToken ?? uuid(world);
    secret.value = input.SecretString;
    secret.lastChangedAt = now;
  }
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
}

function DescribeSecret(input: DescribeSecretCommandInput, { world }: Env): Out<DescribeSecretCommandOutput> {
  const secret = secretOf(world, input.SecretId);
  return {
    ARN: secret.arn,
    Name: secret.name,
    CreatedDate: new Date(secret.createdAt),
    LastChangedDate: new Date(secret.lastChangedAt),
    VersionIdsToStages: {
      [secret.versionId]: ['AWSCURRENT'],
      ...(secret.previousVersionId ? { [secret.previousVersionId]: ['AWSPREVIOUS'] } : {}),
    },
  };
}

export const secretsManager: ServiceModel = {
  exception: SecretsManagerServiceException,
  commands: { GetSecretValue, PutSecretValue, DescribeSecret },
};
