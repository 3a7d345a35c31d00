import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.OLD_USER_POOL_ID = 'eu-west-2_OldPool01';
  process.env.OLD_POOL_CLIENT_ID = 'oldmigrationclient';
  delete process.env.MIGRATED_ATTRIBUTES;
});

const { handler } = await import('../../handlers/userMigration.ts');
const { logger } = await import('../../src/logger.ts');

const cognito = mockClient(CognitoIdentityProviderClient);
const PASSWORD = 'correct-horse-battery-staple';
const TOKEN = 'eyJraWQiOiJvbGQtcG9vbC10b2tlbiJ9.secret';

function event(triggerSource: UserMigrationTriggerEvent['triggerSource']): UserMigrationTriggerEvent {
  return {
    version: '1',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_NewPool01',
    triggerSource,
    userName: 'ada@example.com',
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'newpoolclient' },
    request: { password: triggerSource === 'UserMigration_Authentication' ? PASSWORD : '' },
    response: { userAttributes: {}, desiredDeliveryMediums: [] },
  } as UserMigrationTriggerEvent;
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
}

const oldUser = {
  Username: 'ada@example.com',
  UserAttributes: [
    { Name: 'sub', Value: '1111-2222' },
    { Name: 'email', Value: 'ada@example.com' },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'given_name', Value: 'Ada' },
    { Name: 'custom:tenant', Value: 'acme' },
  ],
};

beforeEach(() => {
  cognito.reset();
  cognito
    .on(AdminInitiateAuthCommand)
    .resolves({ AuthenticationResult: { AccessToken: TOKEN, IdToken: TOKEN } });
  cognito.on(AdminGetUserCommand).resolves(oldUser);
});

describe('UserMigration_Authentication', () => {
  it('checks the password on the old pool and migrates only the allow-listed attributes', async () => {
    const result = await handler(event('UserMigration_Authentication'));

    expect(cognito).toHaveReceivedCommandWith(AdminInitiateAuthCommand, {
      UserPoolId: 'eu-west-2_OldPool01',
      ClientId: 'oldmigrationclient',
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'ada@example.com', PASSWORD },
    });
    expect(cognito).toHaveReceivedCommandWith(AdminGetUserCommand, {
      UserPoolId: 'eu-west-2_OldPool01',
      Username: 'ada@example.com',
    });
    expect(result.response).toMatchObject({
      userAttributes: { email: 'ada@example.com', email_verified: 'true', given_name: 'Ada' },
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
    });
    expect(Object.keys(result.response.userAttributes).sort()).toEqual([
      'email',
      'email_verified',
      'given_name',
    ]);
  });

  it('passes an abort signal so a slow old pool cannot outlast the trigger', async () => {
    await handler(event('UserMigration_Authentication'));

    const args = cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args as unknown[] | undefined;
    const options = args?.[1] as { abortSignal?: unknown } | undefined;
    expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('answers a wrong password with the generic "Bad password"', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .rejects(sdkError('NotAuthorizedException', 'Incorrect username or password.'));

    await expect(handler(event('UserMigration_Authentication'))).rejects.toThrow(/^Bad password$/);
    expect(cognito).not.toHaveReceivedCommand(AdminGetUserCommand);
  });

  it('answers a user unknown to the old pool with "User does not exist"', async () => {
    cognito.on(AdminInitiateAuthCommand).rejects(sdkError('UserNotFoundException', 'User does not exist.'));

    await expect(handler(event('UserMigration_Authentication'))).rejects.toThrow(/^User does not exist$/);
  });

  it('turns AccessDenied into MigrationMisconfigured naming the IAM fix', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .rejects(
        sdkError(
          'AccessDeniedException',
          'User: arn:aws:sts::111122223333:assumed-role/migrate/fn is not authorized to perform: cognito-idp:AdminInitiateAuth on resource: arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_OldPool01',
        ),
      );

    const error = await handler(event('UserMigration_Authentication')).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'MigrationMisconfigured' });
    expect((error as Error).message).toContain(
      'grant cognito-idp:AdminInitiateAuth and cognito-idp:AdminGetUser on arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_OldPool01',
    );
  });

  it('turns a disabled auth flow into MigrationMisconfigured naming the client', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .rejects(sdkError('InvalidParameterException', 'Auth flow not enabled for this client'));

    const error = await handler(event('UserMigration_Authentication')).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'MigrationMisconfigured' });
    expect((error as Error).message).toContain(
      'enable ALLOW_ADMIN_USER_PASSWORD_AUTH on old pool client oldmigrationclient',
    );
  });

  it('turns a missing pool or client into MigrationMisconfigured', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .rejects(sdkError('ResourceNotFoundException', 'User pool client oldmigrationclient does not exist.'));

    await expect(handler(event('UserMigration_Authentication'))).rejects.toMatchObject({
      name: 'MigrationMisconfigured',
    });
  });
});

describe('UserMigration_ForgotPassword', () => {
  it('reads the user without a password and leaves the reset to go on', async () => {
    const result = await handler(event('UserMigration_ForgotPassword'));

    expect(cognito).not.toHaveReceivedCommand(AdminInitiateAuthCommand);
    expect(result.response.userAttributes).toEqual({
      email: 'ada@example.com',
      email_verified: 'true',
      given_name: 'Ada',
    });
    expect(result.response.messageAction).toBe('SUPPRESS');
    expect(result.response.finalUserStatus).toBeUndefined();
  });

  it('answers a user unknown to the old pool with "User does not exist"', async () => {
    cognito.on(AdminGetUserCommand).rejects(sdkError('UserNotFoundException', 'User does not exist.'));

    await expect(handler(event('UserMigration_ForgotPassword'))).rejects.toThrow(/^User does not exist$/);
  });
});

describe('logging', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
  });

  it('never writes the password or a token, whatever the outcome', async () => {
    logger.setLogLevel('DEBUG');
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);

    await handler(event('UserMigration_Authentication'));
    cognito.on(AdminInitiateAuthCommand).rejects(sdkError('AccessDeniedException', 'not authorized'));
    await handler(event('UserMigration_Authentication')).catch(() => undefined);
    cognito.on(AdminInitiateAuthCommand).rejects(sdkError('NotAuthorizedException', 'Incorrect username'));
    await handler(event('UserMigration_Authentication')).catch(() => undefined);

    expect(written.join('')).toContain('MigrationMisconfigured');
    expect(written.join('')).not.toContain(PASSWORD);
    expect(written.join('')).not.toContain(TOKEN);
  });
});
