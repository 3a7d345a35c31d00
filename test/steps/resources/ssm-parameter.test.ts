import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessDenied } from '../../../src/errors.ts';
import { ssmParameter } from '../../../src/steps/resources/ssm-parameter.ts';

const ssm = mockClient(SSMClient);
const region = 'eu-west-2';
const ref = { name: '/reval/prod/cognito-user-pool-id' };

beforeEach(() => {
  ssm.reset();
});

describe('ssmParameter.read', () => {
  it('reads the decrypted value and type', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: 'eu-west-2_OldPool01', Type: 'SecureString' } });

    const state = await ssmParameter.read(region, ref);

    expect(state).toEqual({ value: 'eu-west-2_OldPool01', type: 'SecureString' });
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, {
      Name: ref.name,
      WithDecryption: true,
    });
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

    await ssmParameter.write(
      region,
      ref,
      { value: 'eu-west-2_NewPool01', type: 'String' },
      { value: 'eu-west-2_OldPool01', type: 'String' },
    );

    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: ref.name, Value: 'eu-west-2_NewPool01', Type: 'String', Overwrite: true },
    ]);
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
  });

  it('deletes a parameter that did not exist before', async () => {
    ssm.on(DeleteParameterCommand).resolves({});

    await ssmParameter.write(region, ref, null, { value: 'true', type: 'String' });

    expect(ssm.commandCalls(DeleteParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: ref.name },
    ]);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('treats a parameter already deleted as deleted', async () => {
    ssm.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'gone', $metadata: {} }));

    await expect(ssmParameter.write(region, ref, null, { value: 'true', type: 'String' })).resolves.toEqual(
      [],
    );
  });
});
