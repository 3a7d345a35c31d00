import {
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  InvalidParameterException,
  InvalidRequestException,
  type PutSecretValueCommandInput,
  type PutSecretValueCommandOutput,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
  type UpdateSecretVersionStageCommandInput,
  type UpdateSecretVersionStageCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { type Env, fail, type Out, type ServiceModel, uuid } from '../core.ts';
import { currentVersion, type Secret, type World } from '../world.ts';

/**
 * Secrets Manager keeps versions, each with staging labels; AWSCURRENT is what a read returns.
 * PutSecretValue makes a new version AWSCURRENT and moves AWSPREVIOUS to the one it replaced;
 * UpdateSecretVersionStage moves a label, and moving AWSCURRENT moves AWSPREVIOUS with it
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).
 */

/** A secret may be named by name or by its full ARN. */
function secretOf(world: World, id: string | undefined): Secret {
  const secret = world.secrets.get(id ?? '') ?? [...world.secrets.values()].find((s) => s.arn === id);
  return secret ?? fail(ResourceNotFoundException, "Secrets Manager can't find the specified secret.");
}

function withStage(secret: Secret, stage: string): string | undefined {
  return Object.entries(secret.versions).find(([, v]) => v.stages.includes(stage))?.[0];
}

/** Moves `stage` to `to` (taking it off whichever version has it); AWSCURRENT takes AWSPREVIOUS along. */
function moveStage(secret: Secret, stage: string, to: string): void {
  const from = withStage(secret, stage);
  for (const version of Object.values(secret.versions)) {
    version.stages = version.stages.filter((s) => s !== stage);
  }
  secret.versions[to]?.stages.push(stage);
  if (stage === 'AWSCURRENT' && from && from !== to) moveStage(secret, 'AWSPREVIOUS', from);
}

function GetSecretValue(input: GetSecretValueCommandInput, { world }: Env): Out<GetSecretValueCommandOutput> {
  const secret = secretOf(world, input.SecretId);
  const versionId = input.VersionId ?? withStage(secret, input.VersionStage ?? 'AWSCURRENT');
  const version = versionId ? secret.versions[versionId] : undefined;
  if (!versionId || !version) {
    fail(ResourceNotFoundException, "Secrets Manager can't find the specified secret value for VersionId");
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: versionId,
    SecretString: version.value,
    VersionStages: [...version.stages],
    CreatedDate: new Date(version.createdAt),
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
  const token = input.ClientRequestToken;
  const existing = token ? secret.versions[token] : undefined;
  if (existing) {
    if (input.SecretString !== existing.value) {
      fail(
        ResourceExistsException,
        `You can't modify an existing version, you can only create a new version.`,
      );
    }
  } else {
    const versionId = token ?? uuid(world);
    secret.versions[versionId] = { value: input.SecretString, stages: [], createdAt: now };
    moveStage(secret, 'AWSCURRENT', versionId);
    secret.lastChangedAt = now;
  }
  const versionId = currentVersion(secret).versionId;
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
}

function UpdateSecretVersionStage(
  input: UpdateSecretVersionStageCommandInput,
  { world, now }: Env,
): Out<UpdateSecretVersionStageCommandOutput> {
  const secret = secretOf(world, input.SecretId);
  const stage = input.VersionStage ?? '';
  const holder = withStage(secret, stage);
  if (input.MoveToVersionId && !secret.versions[input.MoveToVersionId]) {
    fail(ResourceNotFoundException, "Secrets Manager can't find the specified secret version.");
  }
  // The label is on another version: the call must name it, or it is refused.
  if (holder && holder !== input.MoveToVersionId && input.RemoveFromVersionId !== holder) {
    fail(
      InvalidParameterException,
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  if (input.MoveToVersionId) moveStage(secret, stage, input.MoveToVersionId);
  else if (holder) moveStage(secret, stage, '');
  secret.lastChangedAt = now;
  return { ARN: secret.arn, Name: secret.name };
}

function DescribeSecret(input: DescribeSecretCommandInput, { world }: Env): Out<DescribeSecretCommandOutput> {
  const secret = secretOf(world, input.SecretId);
  return {
    ARN: secret.arn,
    Name: secret.name,
    CreatedDate: new Date(secret.createdAt),
    LastChangedDate: new Date(secret.lastChangedAt),
    VersionIdsToStages: Object.fromEntries(
      Object.entries(secret.versions)
        .filter(([, v]) => v.stages.length > 0)
        .map(([id, v]) => [id, [...v.stages]]),
    ),
  };
}

export const secretsManager: ServiceModel = {
  exception: SecretsManagerServiceException,
  commands: { GetSecretValue, PutSecretValue, UpdateSecretVersionStage, DescribeSecret },
};
