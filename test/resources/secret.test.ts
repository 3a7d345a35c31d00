import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PreflightFailed, ResourceNotFound } from '../../src/errors.ts';
import { digest } from '../../src/redact.ts';
import { withJsonKey } from '../../src/resources/reads/secret.ts';
import { secret, switchedTo } from '../../src/resources/secret.ts';

const secrets = mockClient(SecretsManagerClient);
const region = 'eu-west-2';
const ref = { secretId: 'usermanagement-cognito-pool-id-prod' };
const jsonRef = { secretId: 'usermanagement-cognito-prod', jsonKey: 'userPoolId' };
const PASSWORD = 'hunter2-database-password';
const json = (pool: string) =>
  `{"region":"eu-west-2","userPoolId":"${pool}","databasePassword":"${PASSWORD}"}`;

beforeEach(() => {
  secrets.reset();
});

describe('secret', () => {
  it('reads the version and the pool id it holds, and a digest of everything else', async () => {
    // Arrange
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: json('eu-west-2_OldPool01'), VersionId: 'v1' });

    // Act
    const state = await secret.read(region, jsonRef);

    // Assert
    expect(state).toEqual({
      versionId: 'v1',
      value: 'eu-west-2_OldPool01',
      digest: digest('eu-west-2_OldPool01'),
      rest: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
    expect(secrets).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, {
      SecretId: jsonRef.secretId,
    });
  });

  it('shows a value that is not a pool id only as its digest', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: PASSWORD, VersionId: 'v1' });

    const state = await secret.read(region, ref);

    expect(state.value).toBe(digest(PASSWORD));
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
  });

  it('raises ResourceNotFound for a missing secret', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));

    await expect(secret.read(region, ref)).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('switches by writing a new version with only the key changed, the other keys byte for byte', async () => {
    // Arrange
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: json('eu-west-2_OldPool01'), VersionId: 'v1' });
    secrets.on(PutSecretValueCommand).resolves({ VersionId: 'v2' });
    const current = await secret.read(region, jsonRef);

    // Act
    await secret.write(region, jsonRef, switchedTo(current, 'eu-west-2_NewPool01'), current);

    // Assert
    expect(secrets.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: jsonRef.secretId, SecretString: json('eu-west-2_NewPool01') },
    ]);
  });

  it('restores by moving AWSCURRENT back to the version it found, holding no copy of the value', async () => {
    // Arrange
    const before = { versionId: 'v1', value: 'eu-west-2_OldPool01', digest: digest('eu-west-2_OldPool01') };
    const now = { versionId: 'v2', value: 'eu-west-2_NewPool01', digest: digest('eu-west-2_NewPool01') };
    secrets.on(UpdateSecretVersionStageCommand).resolves({});

    // Act
    await secret.write(region, ref, before, now);

    // Assert
    expect(secrets).toHaveReceivedCommandExactlyOnceWith(UpdateSecretVersionStageCommand, {
      SecretId: ref.secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v1',
      RemoveFromVersionId: 'v2',
    });
    expect(secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('counts an equal value in another version as the same, and another key value as different', () => {
    const a = { versionId: 'v1', value: 'p', digest: digest('p'), rest: 'r' };

    expect(secret.same?.(a, { ...a, versionId: 'v2' })).toBe(true);
    expect(secret.same?.(a, { ...a, digest: digest('q') })).toBe(false);
    expect(secret.same?.(a, { ...a, rest: 'other' })).toBe(false);
  });
});

describe('withJsonKey', () => {
  it('replaces the whole text without a jsonKey', () => {
    expect(withJsonKey('eu-west-2_OldPool01', { secretId: 's' }, 'eu-west-2_NewPool01')).toBe(
      'eu-west-2_NewPool01',
    );
  });

  it('sets only the key, keeping the other keys in their order', () => {
    const current = '{"region":"eu-west-2","poolId":"eu-west-2_OldPool01","clientId":"abc"}';

    expect(withJsonKey(current, { secretId: 's', jsonKey: 'poolId' }, 'eu-west-2_NewPool01')).toBe(
      '{"region":"eu-west-2","poolId":"eu-west-2_NewPool01","clientId":"abc"}',
    );
  });

  it('adds the key when it is missing', () => {
    expect(withJsonKey('{"a":"1"}', { secretId: 's', jsonKey: 'poolId' }, 'p')).toBe(
      '{"a":"1","poolId":"p"}',
    );
  });

  it.each(['eu-west-2_OldPool01', '["a"]', 'null'])('refuses %s, which is not a JSON object', (current) => {
    expect(() => withJsonKey(current, { secretId: 'my-secret', jsonKey: 'poolId' }, 'p')).toThrow(
      new PreflightFailed([
        'secret my-secret is not a JSON object but the plan sets jsonKey poolId: remove jsonKey from the binding or store the secret as JSON',
      ]),
    );
  });
});
