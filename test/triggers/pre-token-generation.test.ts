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
  it('adds preferred_username from email and the groups claim', async () => {
    const result = await handler(event({ email: 'ada@example.com' }, ['admins', 'billing']));

    expect(result.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({
      preferred_username: 'ada@example.com',
      roles: 'admins,billing',
    });
  });

  it('leaves preferred_username out when the attribute is absent, and keeps the group claim', async () => {
    const result = await handler(event({ phone_number: '+447700900000' }));

    expect(result.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({ roles: '' });
  });

  it('reads preferred_username from the configured attribute and adds no group claim when unset', () => {
    const result = addLegacyClaims(event({ email: 'ada@example.com', 'custom:login': 'ada' }, ['admins']), {
      preferredUsernameFrom: 'custom:login',
    });

    expect(result.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({
      preferred_username: 'ada',
    });
  });

  it('refuses a group claim Cognito will not override', () => {
    vi.stubEnv('GROUP_CLAIM', 'cognito:groups');

    expect(() => preTokenGenerationConfigFromEnv()).toThrow(
      expect.objectContaining({ name: 'ConfigInvalid' }),
    );
    vi.unstubAllEnvs();
  });
});
