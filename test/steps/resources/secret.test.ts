import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PreflightFailed, ResourceNotFound } from '../../../src/errors.ts';
import { secret, withJsonKey } from '../../../src/steps/resources/secret.ts';

const secrets = mockClient(SecretsManagerClient);
const region = 'eu-west-2';
const ref = { secretId: 'usermanagement-cognito-pool-id-prod' };

beforeEach(() => {
  secrets.reset();
});

describe('secret', () => {
  it('reads the SecretString', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'eu-west-2_OldPool01' });

    expect(await secret.read(region, ref)).toEqual({ value: 'eu-west-2_OldPool01' });
    expect(secrets).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: ref.secretId });
  });

  it('raises ResourceNotFound for a missing secret', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));

    await expect(secret.read(region, ref)).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('writes the new value as a new version', async () => {
    secrets.on(PutSecretValueCommand).resolves({});

    await secret.write(region, ref, { value: 'eu-west-2_NewPool01' }, { value: 'eu-west-2_OldPool01' });

    expect(secrets.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ref.secretId, SecretString: 'eu-west-2_NewPool01' },
    ]);
  });
});

describe('withJsonKey', () => {
  it('replaces the whole text without a jsonKey', () => {
    expect(withJsonKey('eu-west-2_OldPool01', undefined, 'eu-west-2_NewPool01', 's')).toBe(
      'eu-west-2_NewPool01',
    );
  });

  it('sets only the key, keeping the other keys in their order', () => {
    const current = '{"region":"eu-west-2","poolId":"eu-west-2_OldPool01","clientId":"abc"}';

    expect(withJsonKey(current, 'poolId', 'eu-west-2_NewPool01', 's')).toBe(
      '{"region":"eu-west-2","poolId":"eu-west-2_NewPool01","clientId":"abc"}',
    );
  });

  it('adds the key when it is missing', () => {
    expect(withJsonKey('{"a":"1"}', 'poolId', 'p', 's')).toBe('{"a":"1","poolId":"p"}');
  });

  it('leaves the text as it is when the key already holds the value', () => {
    const current = '{ "poolId": "p", "a": "1" }';

    expect(withJsonKey(current, 'poolId', 'p', 's')).toBe(current);
  });

  it.each(['eu-west-2_OldPool01', '["a"]', 'null'])('refuses %s, which is not a JSON object', (current) => {
    expect(() => withJsonKey(current, 'poolId', 'p', 'my-secret')).toThrow(
      new PreflightFailed([
        'secret my-secret is not a JSON object but the plan sets jsonKey poolId: remove jsonKey from the binding or store the secret as JSON',
      ]),
    );
  });
});
