import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessDenied } from '../../src/errors.ts';
import { digest } from '../../src/redact.ts';
import { setTo, ssmParameter } from '../../src/resources/ssm-parameter.ts';

const ssm = mockClient(SSMClient);
const region = 'eu-west-2';
const ref = { name: '/reval/prod/cognito-user-pool-id' };
const KEY = 'arn:aws:kms:eu-west-2:111122223333:key/customer-managed';
const string = (value: string, version = 1) => ({
  type: 'String' as const,
  version,
  value,
  digest: digest(value),
});

beforeEach(() => {
  ssm.reset();
});

describe('ssmParameter.read', () => {
  it('reads a String as its value, type and version', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: 'eu-west-2_OldPool01', Type: 'String', Version: 3 } });

    const state = await ssmParameter.read(region, ref);

    expect(state).toEqual(string('eu-west-2_OldPool01', 3));
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, {
      Name: ref.name,
      WithDecryption: true,
    });
  });

  it('reads a SecureString as a digest and a version, never its value', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: 's3cr3t', Type: 'SecureString', Version: 4 } });

    const state = await ssmParameter.read(region, ref);

    expect(state).toEqual({ type: 'SecureString', version: 4, digest: digest('s3cr3t') });
    expect(JSON.stringify(state)).not.toContain('s3cr3t');
  });

  it('is null when the parameter does not exist', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    expect(await ssmParameter.read(region, ref)).toBeNull();
  });

  it('raises other failures as named errors', async () => {
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    ssm.on(GetParameterCommand).rejects(denied);

    await expect(ssmParameter.read(region, ref)).rejects.toBeInstanceOf(AccessDenied);
  });
});

describe('ssmParameter.write', () => {
  it('puts the value over the existing one, keeping its type', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 2 });

    await ssmParameter.write(region, ref, setTo(string('old'), 'eu-west-2_NewPool01'), string('old'));

    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: ref.name, Value: 'eu-west-2_NewPool01', Type: 'String', Overwrite: true },
    ]);
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
  });

  it('switches a SecureString under the key it is encrypted with, not the account default', async () => {
    // Arrange
    const found = { type: 'SecureString' as const, version: 4, digest: digest('old') };
    ssm.on(GetParameterHistoryCommand).resolves({
      Parameters: [
        { Version: 3, KeyId: 'alias/aws/ssm' },
        { Version: 4, KeyId: KEY },
      ],
    });

    // Act
    await ssmParameter.write(region, ref, setTo(found, 'eu-west-2_NewPool01'), found);

    // Assert
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: ref.name, Value: 'eu-west-2_NewPool01', Type: 'SecureString', Overwrite: true, KeyId: KEY },
    ]);
  });

  it('restores a SecureString from its history, value and key, though the ledger holds neither', async () => {
    // Arrange: page two of the history holds the version the cutover found.
    const before = { type: 'SecureString' as const, version: 4, digest: digest('s3cr3t') };
    ssm
      .on(GetParameterHistoryCommand)
      .resolvesOnce({ Parameters: [{ Version: 1 }], NextToken: 'page-2' })
      .resolvesOnce({ Parameters: [{ Version: 4, Value: 's3cr3t', KeyId: KEY }] });

    // Act
    await ssmParameter.write(region, ref, before, setTo(before, 'eu-west-2_NewPool01'));

    // Assert
    expect(ssm).toHaveReceivedCommandWith(GetParameterHistoryCommand, {
      Name: ref.name,
      WithDecryption: true,
    });
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: ref.name, Value: 's3cr3t', Type: 'SecureString', Overwrite: true, KeyId: KEY },
    ]);
  });

  it('deletes a parameter that did not exist before', async () => {
    ssm.on(DeleteParameterCommand).resolves({});

    await ssmParameter.write(region, ref, null, string('true'));

    expect(ssm.commandCalls(DeleteParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: ref.name },
    ]);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('treats a parameter already deleted as deleted', async () => {
    ssm.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'gone', $metadata: {} }));

    await expect(ssmParameter.write(region, ref, null, string('true'))).resolves.toEqual([]);
  });
});
