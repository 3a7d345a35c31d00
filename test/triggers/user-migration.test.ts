import { createHmac } from 'node:crypto';
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/logs.ts';

vi.hoisted(() => {
  process.env.OLD_USER_POOL_ID = 'eu-west-2_OldPool01';
  process.env.OLD_POOL_CLIENT_ID = 'oldmigrationclient';
  delete process.env.MIGRATED_ATTRIBUTES;
  // This file asserts the EMF records; every test captures stdout, so none reach the runner's output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const { handler } = await import('../../handlers/userMigration.ts');
const { forgetClientSecrets } = await import('../../src/triggers/user-migration.ts');

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

/** What the new pool's user is created with, by default. */
const CARRIED = {
  email: 'ada@example.com',
  email_verified: 'true',
  given_name: 'Ada',
  'custom:tenant': 'acme',
  'custom:legacy_sub': '1111-2222',
};

/** What the function wrote to stdout and stderr during the current test: its logs and its EMF records. */
let logs: CapturedLogs;

/** The EMF records: what CloudWatch turns into metrics. */
function emfRecords(): Record<string, unknown>[] {
  return logs.records().filter((record) => '_aws' in record);
}

beforeEach(() => {
  logs = captureLogs();
  cognito.reset();
  cognito
    .on(AdminInitiateAuthCommand)
    .resolves({ AuthenticationResult: { AccessToken: TOKEN, IdToken: TOKEN } });
  cognito.on(AdminGetUserCommand).resolves(oldUser);
  // The old pool's migration client has no secret, unless a test gives it one.
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: {} });
  forgetClientSecrets();
});

afterEach(() => {
  logs.restore();
  vi.restoreAllMocks();
});

describe('UserMigration_Authentication', () => {
  it('checks the password on the old pool and migrates every attribute, the old sub kept as legacy_sub', async () => {
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
      userAttributes: CARRIED,
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
    });
    // Exactly these: the new pool assigns its own sub.
    expect(result.response.userAttributes).toEqual(CARRIED);
  });

  it('signs in through a confidential client with SECRET_HASH under its secret, read once and never logged', async () => {
    // Arrange
    const secret = 'old-client-secret-value';
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientSecret: secret } });
    const expected = createHmac('sha256', secret)
      .update('ada@example.comoldmigrationclient')
      .digest('base64');

    // Act
    await handler(event('UserMigration_Authentication'));
    await handler(event('UserMigration_Authentication'));

    // Assert
    expect(cognito).toHaveReceivedCommandWith(AdminInitiateAuthCommand, {
      AuthParameters: { USERNAME: 'ada@example.com', PASSWORD, SECRET_HASH: expected },
    });
    expect(cognito).toHaveReceivedCommandTimes(DescribeUserPoolClientCommand, 1);
    expect(logs.text()).not.toContain(secret);
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
    expect(result.response.userAttributes).toEqual(CARRIED);
    expect(result.response.messageAction).toBe('SUPPRESS');
    expect(result.response.finalUserStatus).toBeUndefined();
  });

  it('answers a user unknown to the old pool with "User does not exist"', async () => {
    cognito.on(AdminGetUserCommand).rejects(sdkError('UserNotFoundException', 'User does not exist.'));

    await expect(handler(event('UserMigration_ForgotPassword'))).rejects.toThrow(/^User does not exist$/);
  });
});

describe('logging', () => {
  it.each([
    ['a migration', undefined, undefined],
    ['a wrong password', 'NotAuthorizedException', 'Incorrect username or password.'],
    ['an unknown user', 'UserNotFoundException', 'User does not exist.'],
    ['a denied role', 'AccessDeniedException', 'not authorized to perform cognito-idp:AdminInitiateAuth'],
    ['a flow not enabled', 'InvalidParameterException', 'Auth flow not enabled for this client'],
    ['a missing pool', 'ResourceNotFoundException', 'User pool does not exist.'],
    ['throttling', 'TooManyRequestsException', 'Rate exceeded'],
    ['a timeout', 'TimeoutError', 'timed out'],
    ['an unexpected failure', 'InternalErrorException', 'Internal error'],
  ])('never writes the password or a token, on %s', async (_outcome, errorName, message) => {
    // Arrange
    if (errorName) cognito.on(AdminInitiateAuthCommand).rejects(sdkError(errorName, message ?? ''));

    // Act
    const thrown = await handler(event('UserMigration_Authentication')).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assert
    const everything = `${logs.text()}${thrown?.message ?? ''}`;
    expect(logs.text()).not.toBe('');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(TOKEN);
  });

  it('never writes a token when resetting a forgotten password', async () => {
    await handler(event('UserMigration_ForgotPassword'));

    expect(logs.text()).not.toContain(TOKEN);
  });
});

describe("the trigger's outcome metrics", () => {
  /** The metric names of the EMF records written, and the values of the outcome's count. */
  const published = () =>
    emfRecords().map((record) => ({
      names: (
        record._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] }
      ).CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => `${m.Namespace}/${metric.Name}`)),
      ms: record.MigrationMs,
    }));

  it.each([
    ['a migrated user', undefined, 'UsersMigrated'],
    [
      'a wrong password',
      sdkError('NotAuthorizedException', 'Incorrect username or password.'),
      'MigrationWrongPassword',
    ],
    [
      'a user the old pool lacks',
      sdkError('UserNotFoundException', 'User does not exist.'),
      'MigrationUnknownUser',
    ],
    [
      'the old pool refusing the function',
      sdkError('AccessDeniedException', 'not authorized'),
      'MigrationMisconfigured',
    ],
    ['anything else', sdkError('InternalErrorException', 'boom'), 'MigrationFailed'],
  ])('counts %s as %s, with how long it took, in one EMF record', async (_, error, metric) => {
    // Arrange
    if (error) cognito.on(AdminInitiateAuthCommand).rejects(error);

    // Act
    await handler(event('UserMigration_Authentication')).catch(() => undefined);

    // Assert
    expect(published()).toEqual([
      { names: [`CognitoCutover/${metric}`, 'CognitoCutover/MigrationMs'], ms: expect.any(Number) },
    ]);
  });

  it('never names the user in a metric', async () => {
    // Act
    await handler(event('UserMigration_Authentication'));

    // Assert
    expect(JSON.stringify(emfRecords())).not.toContain('ada@example.com');
  });
});

describe('the event', () => {
  const valid = event('UserMigration_Authentication');

  it.each([
    { problem: 'no userName', malformed: { ...valid, userName: undefined }, field: 'userName' },
    {
      problem: 'a triggerSource of another trigger',
      malformed: { ...valid, triggerSource: 'PreSignUp_SignUp' },
      field: 'triggerSource',
    },
    {
      problem: 'a request that is not an object',
      malformed: { ...valid, request: PASSWORD },
      field: 'request',
    },
    {
      problem: 'no password to sign in with',
      malformed: { ...valid, request: {} },
      field: 'request.password',
    },
    { problem: 'no response to answer in', malformed: { ...valid, response: undefined }, field: 'response' },
  ])('is refused with TriggerEventInvalid naming the field when it has $problem', async ({
    malformed,
    field,
  }) => {
    // Arrange

    // Act
    const error = await handler(malformed).catch((e: Error) => e);

    // Assert
    expect(error).toMatchObject({ name: 'TriggerEventInvalid' });
    expect((error as Error).message).toContain(`${field}: expected `);
    expect(cognito).not.toHaveReceivedAnyCommand();
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'Trigger event is malformed' }),
    );
    expect((error as Error).message).not.toContain(PASSWORD);
    expect(logs.text()).not.toContain(PASSWORD);
  });

  it('is refused as a whole when it is not an object', async () => {
    const error = await handler(PASSWORD).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'TriggerEventInvalid' });
    expect((error as Error).message).toContain('(event): expected object');
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('is accepted as real Cognito sends it, nulls and all, and comes back with every field it had', async () => {
    // Arrange
    const fromCognito = {
      version: '1',
      triggerSource: 'UserMigration_Authentication',
      region: 'eu-west-2',
      userPoolId: 'eu-west-2_NewPool01',
      userName: 'ada@example.com',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'newpoolclient' },
      request: { password: PASSWORD, validationData: null, clientMetadata: null },
      response: {
        userAttributes: null,
        forceAliasCreation: null,
        enableSMSMFA: null,
        finalUserStatus: null,
        messageAction: null,
        desiredDeliveryMediums: null,
      },
      fieldCognitoAddsLater: { kept: true },
    };

    // Act
    const result = await handler(structuredClone(fromCognito));

    // Assert
    expect(result).toEqual({
      ...fromCognito,
      response: {
        ...fromCognito.response,
        userAttributes: CARRIED,
        finalUserStatus: 'CONFIRMED',
        messageAction: 'SUPPRESS',
      },
    });
  });

  it('is accepted as cognito-local sends it', async () => {
    // Arrange: version "0", region "local", and no clientMetadata or validationData when there are none.
    const fromCognitoLocal = {
      version: '0',
      callerContext: { awsSdkVersion: '2.1692.0', clientId: 'newpoolclient' },
      region: 'local',
      userPoolId: 'local_NewPool01',
      triggerSource: 'UserMigration_Authentication',
      userName: 'ada@example.com',
      request: { password: PASSWORD },
      response: { desiredDeliveryMediums: [], userAttributes: {} },
    };

    // Act
    const result = await handler(fromCognitoLocal);

    // Assert
    expect(result).toMatchObject({
      version: '0',
      region: 'local',
      response: { desiredDeliveryMediums: [], finalUserStatus: 'CONFIRMED', messageAction: 'SUPPRESS' },
    });
  });

  it('is accepted for a forgotten password with no password at all', async () => {
    const { password: _password, ...request } = valid.request;

    const result = await handler({ ...valid, triggerSource: 'UserMigration_ForgotPassword', request });

    expect(cognito).not.toHaveReceivedCommand(AdminInitiateAuthCommand);
    expect(result.response.messageAction).toBe('SUPPRESS');
  });
});
