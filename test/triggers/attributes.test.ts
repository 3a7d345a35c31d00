import { describe, expect, it } from 'vitest';
import { carriedAttributes, carryRuleFromEnv } from '../../src/triggers/attributes.ts';

const OLD_USER = [
  { Name: 'sub', Value: '1111-2222' },
  { Name: 'identities', Value: '[{"providerName":"Google"}]' },
  { Name: 'email', Value: 'ada@example.com' },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'locale', Value: 'en-GB' },
  { Name: 'custom:tenant', Value: 'acme' },
];

describe('the carry rule', () => {
  it('carries every attribute by default, except those Cognito assigns, and keeps the old sub', () => {
    // Arrange
    const rule = carryRuleFromEnv({});

    // Act
    const carried = carriedAttributes(OLD_USER, rule);

    // Assert
    expect(carried).toEqual({
      email: 'ada@example.com',
      email_verified: 'true',
      locale: 'en-GB',
      'custom:tenant': 'acme',
      'custom:legacy_sub': '1111-2222',
    });
  });

  it('carries only an allow-list when MIGRATED_ATTRIBUTES names one, and the legacy sub always', () => {
    const rule = carryRuleFromEnv({ MIGRATED_ATTRIBUTES: 'email, email_verified' });

    expect(carriedAttributes(OLD_USER, rule)).toEqual({
      email: 'ada@example.com',
      email_verified: 'true',
      'custom:legacy_sub': '1111-2222',
    });
  });

  it('keeps the first sub of a user the old pool had itself migrated', () => {
    // Arrange
    const rule = carryRuleFromEnv({ LEGACY_SUB_ATTRIBUTE: 'custom:first_sub' });
    const migratedBefore = [...OLD_USER, { Name: 'custom:first_sub', Value: '0000-aaaa' }];

    // Act
    const carried = carriedAttributes(migratedBefore, rule);

    // Assert
    expect(carried['custom:first_sub']).toBe('0000-aaaa');
  });

  it.each([
    { env: { LEGACY_SUB_ATTRIBUTE: 'legacy_sub' }, named: 'LEGACY_SUB_ATTRIBUTE' },
    { env: { LEGACY_SUB_ATTRIBUTE: 'custom:a_name_longer_than_twenty' }, named: 'LEGACY_SUB_ATTRIBUTE' },
    { env: { MIGRATED_ATTRIBUTES: 'email,sub' }, named: 'MIGRATED_ATTRIBUTES names sub' },
  ])('refuses $env with ConfigInvalid naming the variable', ({ env, named }) => {
    expect(() => carryRuleFromEnv(env)).toThrow(expect.objectContaining({ name: 'ConfigInvalid' }));
    expect(() => carryRuleFromEnv(env)).toThrow(named);
  });
});
