import {
  DescribeUserPoolClientCommand,
  GetUserPoolMfaConfigCommand,
  type SchemaAttributeType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { PreflightFailed } from '../../../src/errors.ts';
import {
  attributesFit,
  legacySubReadable,
  totpReenrolment,
  usernamesAlike,
} from '../../../src/steps/checks/pool-fit.ts';
import type { PoolFacts } from '../../../src/steps/core/pools.ts';
import { type CarryRule, carryRuleFromEnv } from '../../../src/triggers/attributes.ts';
import { mocks, planWith } from '../aws-mocks.ts';

const plan = planWith();
const ALL = carryRuleFromEnv({});

const string = (Name: string, extra: Partial<SchemaAttributeType> = {}): SchemaAttributeType => ({
  Name,
  AttributeDataType: 'String',
  Mutable: true,
  Required: false,
  StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
  ...extra,
});
const SUB = string('sub', { Required: true, Mutable: false });
const EMAIL = string('email', { Required: true });
const TENANT = string('custom:tenant', { StringAttributeConstraints: { MaxLength: '64' } });
const LEGACY_SUB = string('custom:legacy_sub', { StringAttributeConstraints: { MaxLength: '64' } });

function facts(oldPool: UserPoolType, newPool: UserPoolType): PoolFacts {
  return { oldPoolArn: 'arn:old', newPoolArn: 'arn:new', newPoolTriggers: {}, oldPool, newPool };
}

/** The problems a check reported, or none when it passed. */
async function problemsOf(check: () => unknown): Promise<string[]> {
  try {
    await check();
    return [];
  } catch (error) {
    if (error instanceof PreflightFailed) return error.problems;
    throw error;
  }
}

beforeEach(() => {
  mocks.cognito.reset();
});

describe('attributesFit', () => {
  const misfits = (
    oldSchema: SchemaAttributeType[],
    newSchema: SchemaAttributeType[],
    rule: CarryRule = ALL,
  ) =>
    problemsOf(() =>
      attributesFit(plan, facts({ SchemaAttributes: oldSchema }, { SchemaAttributes: newSchema }), rule),
    );

  it('passes when the new schema holds every carried attribute, and names them', () => {
    const detail = attributesFit(
      plan,
      facts(
        { SchemaAttributes: [SUB, EMAIL, TENANT] },
        { SchemaAttributes: [SUB, EMAIL, TENANT, LEGACY_SUB] },
      ),
      ALL,
    );

    expect(detail).toBe("the new pool's schema holds all 2 carried attribute(s): email, custom:tenant");
  });

  it('names a custom attribute the new pool lacks, with the command that adds it', async () => {
    expect(await misfits([SUB, EMAIL, TENANT], [SUB, EMAIL, LEGACY_SUB])).toEqual([
      "the new pool's schema lacks custom:tenant, which the migration carries: add it (aws cognito-idp add-custom-attributes --user-pool-id eu-west-2_NewPool01 --custom-attributes Name=tenant,AttributeDataType=String,Mutable=true,StringAttributeConstraints={MaxLength=64}), or leave it out with MIGRATED_ATTRIBUTES",
    ]);
  });

  it('passes over an attribute the allow-list leaves out', async () => {
    const rule = carryRuleFromEnv({ MIGRATED_ATTRIBUTES: 'email' });

    expect(await misfits([SUB, EMAIL, TENANT], [SUB, EMAIL], rule)).toEqual([]);
  });

  it('names an attribute whose type differs, and a shorter string', async () => {
    // Arrange
    const numberTenant: SchemaAttributeType = { Name: 'custom:tenant', AttributeDataType: 'Number' };
    const shortEmail = string('email', { Required: true, StringAttributeConstraints: { MaxLength: '32' } });

    // Act
    const problems = await misfits([SUB, EMAIL, TENANT], [SUB, shortEmail, numberTenant]);

    // Assert
    expect(problems).toEqual([
      'email holds up to 2048 characters in the old pool but 32 in the new one: a user with a longer value could not migrate',
      expect.stringContaining('custom:tenant is String in the old pool and Number in the new one'),
    ]);
  });

  it('names what the new pool requires and the migration does not carry, or the old pool may lack', async () => {
    // Arrange
    const requiredName = string('name', { Required: true });
    const requiredTenant = string('custom:tenant', { Required: true });
    const rule = carryRuleFromEnv({ MIGRATED_ATTRIBUTES: 'email,custom:tenant' });

    // Act
    const problems = await misfits(
      [SUB, EMAIL, TENANT, string('name')],
      [SUB, EMAIL, requiredTenant, requiredName],
      rule,
    );

    // Assert
    expect(problems).toEqual([
      expect.stringContaining(
        'the new pool requires name, which the migration does not carry (MIGRATED_ATTRIBUTES leaves it out)',
      ),
      expect.stringContaining('the new pool requires custom:tenant, which is optional in the old pool'),
    ]);
  });

  it('names an allow-listed attribute the old pool does not have: a typo carries nothing', async () => {
    const rule = carryRuleFromEnv({ MIGRATED_ATTRIBUTES: 'email,custom:tennant' });

    expect(await misfits([SUB, EMAIL, TENANT], [SUB, EMAIL, TENANT], rule)).toEqual([
      expect.stringContaining("names custom:tennant, which the old pool's schema lacks"),
    ]);
  });
});

describe('legacySubReadable', () => {
  const check = (newSchema: SchemaAttributeType[]) =>
    problemsOf(() => legacySubReadable(plan, facts({}, { SchemaAttributes: newSchema }), ALL));

  it('passes when the attribute exists and the app client reads every attribute', async () => {
    mocks.cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: {} });

    expect(await legacySubReadable(plan, facts({}, { SchemaAttributes: [LEGACY_SUB] }), ALL)).toBe(
      'custom:legacy_sub (String, up to 64) keeps the old sub; app client newpooladminuiclient may read it',
    );
  });

  it('names the command that adds the attribute when the new pool lacks it', async () => {
    expect(await check([SUB, EMAIL])).toEqual([
      expect.stringContaining(
        'aws cognito-idp add-custom-attributes --user-pool-id eu-west-2_NewPool01 --custom-attributes Name=legacy_sub,AttributeDataType=String,Mutable=false',
      ),
    ]);
  });

  it('refuses an attribute too small for a sub', async () => {
    const small = string('custom:legacy_sub', { StringAttributeConstraints: { MaxLength: '20' } });

    expect(await check([small])).toEqual([expect.stringContaining('too small for a sub')]);
  });

  it('names an app client that may not read it, and warns that an update resets what it leaves out', async () => {
    mocks.cognito
      .on(DescribeUserPoolClientCommand)
      .resolves({ UserPoolClient: { ReadAttributes: ['email', 'email_verified'] } });

    expect(await check([LEGACY_SUB])).toEqual([
      expect.stringMatching(/may not read custom:legacy_sub: .*pass the client's whole configuration/),
    ]);
  });
});

describe('usernamesAlike', () => {
  const insensitive: UserPoolType = { UsernameConfiguration: { CaseSensitive: false } };

  it('passes when both pools sign users in alike', () => {
    expect(usernamesAlike(plan, facts(insensitive, insensitive))).toBe(
      'the same username configuration in both pools',
    );
  });

  it('stops on a case-insensitive old pool and a pool with no setting (case sensitive), saying what users would meet', async () => {
    const problems = await problemsOf(() => usernamesAlike(plan, facts(insensitive, {})));

    expect(problems).toEqual([
      expect.stringMatching(
        /case-insensitive in the old pool and case-sensitive in the new one: .*other capitals.*newPool\.acceptUsernameDifference/,
      ),
    ]);
  });

  it('names differing username and alias attributes', async () => {
    const problems = await problemsOf(() =>
      usernamesAlike(
        plan,
        facts(
          { ...insensitive, AliasAttributes: ['email', 'preferred_username'] },
          { ...insensitive, UsernameAttributes: ['email'] },
        ),
      ),
    );

    expect(problems).toEqual([
      expect.stringContaining('users sign in as none in the old pool (UsernameAttributes) but as email'),
      expect.stringContaining(
        'the old pool accepts email, preferred_username as aliases and the new one none',
      ),
    ]);
  });

  it('reports the difference with the reason when the plan accepts it', () => {
    const accepting = planWith((p) => {
      p.newPool.acceptUsernameDifference = 'every username is a lower-case email';
    });

    expect(usernamesAlike(accepting, facts(insensitive, {}))).toMatch(
      /case-sensitive in the new one.*Accepted: every username is a lower-case email$/,
    );
  });
});

describe('totpReenrolment', () => {
  it('asks nothing more when MFA is off in the old pool', async () => {
    expect(await totpReenrolment(plan, facts({ MfaConfiguration: 'OFF' }, {}))).toMatch(/MFA is off/);
    expect(mocks.cognito).not.toHaveReceivedCommand(GetUserPoolMfaConfigCommand);
  });

  it('says users with an authenticator app must enrol it again, without stopping the cutover', async () => {
    mocks.cognito
      .on(GetUserPoolMfaConfigCommand)
      .resolves({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });

    const detail = await totpReenrolment(plan, facts({ MfaConfiguration: 'OPTIONAL' }, {}));

    expect(detail).toMatch(/must enrol it again after migrating/);
    expect(mocks.cognito).toHaveReceivedCommandWith(GetUserPoolMfaConfigCommand, {
      UserPoolId: 'eu-west-2_OldPool01',
    });
  });
});
