import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/logs.ts';

vi.hoisted(() => {
  delete process.env.CLAIMS_PREFERRED_USERNAME_FROM;
  process.env.GROUP_CLAIM = 'roles';
  process.env.OLD_USER_POOL_ID = 'eu-west-2_OldPool01';
});

const { handler } = await import('../../handlers/preTokenGeneration.ts');
const { addLegacyClaims, preTokenGenerationConfigFromEnv } = await import(
  '../../src/triggers/pre-token-generation.ts'
);

/** The configuration serverless.yml gives by default, preferred_username aside. */
const LEGACY = { legacySubAttribute: 'custom:legacy_sub', legacySubClaim: 'legacy_sub' };

function event(attributes: Record<string, string>, groups?: string[]): PreTokenGenerationTriggerEvent {
  return {
    version: '1',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_NewPool01',
    triggerSource: 'TokenGeneration_Authentication',
    userName: 'ada',
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'newpoolclient' },
    request: { userAttributes: attributes, groupConfiguration: groups ? { groupsToOverride: groups } : {} },
    response: { claimsOverrideDetails: {} },
  };
}

describe('PreTokenGeneration', () => {
  it("adds preferred_username from email, the groups claim, and the user's own sub as legacy_sub", async () => {
    const result = await handler(event({ sub: 'new-1111', email: 'ada@example.com' }, ['admins', 'billing']));

    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({
      preferred_username: 'ada@example.com',
      roles: 'admins,billing',
      legacy_sub: 'new-1111',
    });
  });

  it("names a migrated user by the old pool's sub in legacy_sub", async () => {
    const result = await handler(
      event({ sub: 'new-1111', email: 'ada@example.com', 'custom:legacy_sub': 'old-2222' }),
    );

    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({
      legacy_sub: 'old-2222',
    });
  });

  it('leaves preferred_username out when the attribute is absent, and keeps the group claim', async () => {
    const result = await handler(event({ phone_number: '+447700900000' }));

    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({ roles: '' });
  });

  it('reads preferred_username from the configured attribute and adds no group claim when unset', async () => {
    const result = await addLegacyClaims(
      event({ email: 'ada@example.com', 'custom:login': 'ada' }, ['admins']),
      {
        preferredUsernameFrom: 'custom:login',
        ...LEGACY,
      },
    );

    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({
      preferred_username: 'ada',
    });
  });

  it('keeps what the response already overrides and adds its own claims to it', async () => {
    // Arrange
    const asked = event({ email: 'ada@example.com' });
    asked.response.claimsOverrideDetails = {
      claimsToAddOrOverride: { tenant: 'acme' },
      claimsToSuppress: ['phone_number'],
    };

    // Act
    const result = await addLegacyClaims(asked, { preferredUsernameFrom: 'email', ...LEGACY });

    // Assert
    expect(result.response.claimsOverrideDetails).toEqual({
      claimsToAddOrOverride: { tenant: 'acme', preferred_username: 'ada@example.com' },
      claimsToSuppress: ['phone_number'],
    });
  });

  it.each([
    ['GROUP_CLAIM', 'cognito:groups'],
    ['LEGACY_SUB_CLAIM', 'sub'],
  ])('refuses a %s Cognito will not override', (variable, claim) => {
    vi.stubEnv(variable, claim);

    expect(() => preTokenGenerationConfigFromEnv()).toThrow(
      expect.objectContaining({ name: 'ConfigInvalid', message: expect.stringContaining(variable) }),
    );
    vi.unstubAllEnvs();
  });
});

describe('the PreTokenGeneration event', () => {
  const valid = event({ email: 'ada@example.com' }, ['admins']);

  it.each([
    {
      problem: 'a triggerSource of another trigger',
      malformed: { ...valid, triggerSource: 'UserMigration_Authentication' },
      field: 'triggerSource',
    },
    { problem: 'a request that is not an object', malformed: { ...valid, request: 'ada' }, field: 'request' },
    {
      problem: 'no user attributes',
      malformed: { ...valid, request: { groupConfiguration: {} } },
      field: 'request.userAttributes',
    },
    {
      problem: 'groups that are not a list',
      malformed: {
        ...valid,
        request: { ...valid.request, groupConfiguration: { groupsToOverride: 'admins' } },
      },
      field: 'request.groupConfiguration.groupsToOverride',
    },
  ])('is refused with TriggerEventInvalid naming the field when it has $problem', async ({
    malformed,
    field,
  }) => {
    const outcome = handler(malformed);

    await expect(outcome).rejects.toMatchObject({ name: 'TriggerEventInvalid' });
    await expect(outcome).rejects.toThrow(`${field}: expected `);
  });

  it('is accepted as real Cognito sends it, with a null claimsOverrideDetails, and keeps every field', async () => {
    // Arrange
    const fromCognito = {
      version: '1',
      triggerSource: 'TokenGeneration_RefreshTokens',
      region: 'eu-west-2',
      userPoolId: 'eu-west-2_NewPool01',
      userName: 'ada',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'newpoolclient' },
      request: {
        userAttributes: { sub: '1111-2222', email: 'ada@example.com' },
        groupConfiguration: { groupsToOverride: ['admins'], iamRolesToOverride: [], preferredRole: null },
        clientMetadata: null,
      },
      response: { claimsOverrideDetails: null },
      fieldCognitoAddsLater: { kept: true },
    };

    // Act
    const result = await handler(structuredClone(fromCognito));

    // Assert
    expect(result).toEqual({
      ...fromCognito,
      response: {
        claimsOverrideDetails: {
          claimsToAddOrOverride: {
            preferred_username: 'ada@example.com',
            roles: 'admins',
            legacy_sub: '1111-2222',
          },
        },
      },
    });
  });

  it('is accepted as cognito-local sends it, with an empty groupConfiguration', async () => {
    // Arrange: version "0", region "local", and no clientMetadata when there is none.
    const fromCognitoLocal = {
      version: '0',
      callerContext: { awsSdkVersion: '2.1692.0', clientId: 'newpoolclient' },
      region: 'local',
      userPoolId: 'local_NewPool01',
      triggerSource: 'TokenGeneration_Authentication',
      userName: 'ada',
      request: { userAttributes: { email: 'ada@example.com' }, groupConfiguration: {} },
      response: { claimsOverrideDetails: {} },
    };

    // Act
    const result = await handler(fromCognitoLocal);

    // Assert
    expect(result).toMatchObject({ version: '0', region: 'local' });
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({
      preferred_username: 'ada@example.com',
      roles: '',
    });
  });
});

describe("a migrated user's groups", () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const migrated = { sub: 'new-1111', email: 'ada@example.com', 'custom:legacy_sub': 'old-2222' };
  const groupsOf = (names: string[]) => ({ Groups: names.map((GroupName) => ({ GroupName })) });
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = captureLogs();
    cognito.reset();
    cognito.on(AdminListGroupsForUserCommand).resolves(groupsOf(['admins', 'reval-reviewers']));
    cognito.on(AdminAddUserToGroupCommand).resolves({});
  });

  afterEach(() => {
    logs.restore();
  });

  it('are copied from the old pool at the first sign-in, and the first token already carries them', async () => {
    // Act
    const result = await handler(event(migrated));

    // Assert
    expect(cognito).toHaveReceivedCommandWith(AdminListGroupsForUserCommand, {
      UserPoolId: 'eu-west-2_OldPool01',
      Username: 'ada',
    });
    for (const GroupName of ['admins', 'reval-reviewers']) {
      expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
        UserPoolId: 'eu-west-2_NewPool01',
        Username: 'ada',
        GroupName,
      });
    }
    expect(result.response.claimsOverrideDetails).toMatchObject({
      groupOverrideDetails: { groupsToOverride: ['admins', 'reval-reviewers'] },
      claimsToAddOrOverride: { roles: 'admins,reval-reviewers', legacy_sub: 'old-2222' },
    });
  });

  it('are found by the old sub when the old pool knows the user by another name', async () => {
    // Arrange
    cognito
      .on(AdminListGroupsForUserCommand, { Username: 'ada' })
      .rejects(Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' }));
    cognito.on(ListUsersCommand).resolves({ Users: [{ Username: 'old-name-of-ada' }] });
    cognito.on(AdminListGroupsForUserCommand, { Username: 'old-name-of-ada' }).resolves(groupsOf(['admins']));

    // Act
    const result = await handler(event(migrated));

    // Assert
    expect(cognito).toHaveReceivedCommandWith(ListUsersCommand, {
      UserPoolId: 'eu-west-2_OldPool01',
      Filter: 'sub = "old-2222"',
      Limit: 1,
    });
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({ roles: 'admins' });
  });

  it('are not read again for a user the new pool has in a group, on a token refresh, or for a user never migrated', async () => {
    // Act
    await handler(event(migrated, ['admins']));
    await handler({ ...event(migrated), triggerSource: 'TokenGeneration_RefreshTokens' });
    await handler(event({ sub: 'new-3333', email: 'grace@example.com' }));

    // Assert
    expect(cognito).not.toHaveReceivedCommand(AdminListGroupsForUserCommand);
    expect(cognito).not.toHaveReceivedCommand(AdminAddUserToGroupCommand);
  });

  it('never fail the sign-in: a group the new pool lacks is logged with GroupCopyFailed, the others carried', async () => {
    // Arrange
    cognito
      .on(AdminAddUserToGroupCommand, { GroupName: 'reval-reviewers' })
      .rejects(Object.assign(new Error('Group not found.'), { name: 'ResourceNotFoundException' }));

    // Act
    const result = await handler(event(migrated));

    // Assert
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({ roles: 'admins' });
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        metric: 'GroupCopyFailed',
        why: expect.stringContaining('lacks group(s) reval-reviewers: create them with the same names'),
      }),
    );
  });

  it('never fail the sign-in when the old pool does not answer: the token goes out without them', async () => {
    // Arrange
    cognito
      .on(AdminListGroupsForUserCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));

    // Act
    const result = await handler(event(migrated));

    // Assert
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({ roles: '' });
    expect(result.response.claimsOverrideDetails).not.toHaveProperty('groupOverrideDetails');
    expect(cognito).not.toHaveReceivedCommand(AdminAddUserToGroupCommand);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', metric: 'GroupCopyFailed' }),
    );
  });
});
