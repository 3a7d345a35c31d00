import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  delete process.env.CLAIMS_PREFERRED_USERNAME_FROM;
  process.env.GROUP_CLAIM = 'roles';
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

  it('reads preferred_username from the configured attribute and adds no group claim when unset', () => {
    const result = addLegacyClaims(event({ email: 'ada@example.com', 'custom:login': 'ada' }, ['admins']), {
      preferredUsernameFrom: 'custom:login',
      ...LEGACY,
    });

    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({
      preferred_username: 'ada',
    });
  });

  it('keeps what the response already overrides and adds its own claims to it', () => {
    // Arrange
    const asked = event({ email: 'ada@example.com' });
    asked.response.claimsOverrideDetails = {
      claimsToAddOrOverride: { tenant: 'acme' },
      claimsToSuppress: ['phone_number'],
    };

    // Act
    const result = addLegacyClaims(asked, { preferredUsernameFrom: 'email', ...LEGACY });

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
