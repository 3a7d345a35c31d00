import {
  InvalidParameterException,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { fail } from '../core.ts';

/**
 * The standard attributes every user pool has, with their data types, as DescribeUserPool lists them
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#cognito-user-pools-standard-attributes).
 * `sub` is Cognito's own: it is required, immutable, and no caller may write it.
 */
const STANDARD: readonly [name: string, type: 'String' | 'Boolean' | 'Number'][] = [
  ['sub', 'String'],
  ['name', 'String'],
  ['given_name', 'String'],
  ['family_name', 'String'],
  ['middle_name', 'String'],
  ['nickname', 'String'],
  ['preferred_username', 'String'],
  ['profile', 'String'],
  ['picture', 'String'],
  ['website', 'String'],
  ['email', 'String'],
  ['email_verified', 'Boolean'],
  ['gender', 'String'],
  ['birthdate', 'String'],
  ['zoneinfo', 'String'],
  ['locale', 'String'],
  ['phone_number', 'String'],
  ['phone_number_verified', 'Boolean'],
  ['address', 'String'],
  ['updated_at', 'Number'],
  ['identities', 'String'],
];

export function standardSchema(required: readonly string[] = []): SchemaAttributeType[] {
  return STANDARD.map(([Name, AttributeDataType]) => ({
    Name,
    AttributeDataType,
    DeveloperOnlyAttribute: false,
    Mutable: Name !== 'sub',
    Required: Name === 'sub' || required.includes(Name),
    ...(AttributeDataType === 'String'
      ? { StringAttributeConstraints: { MinLength: Name === 'sub' ? '1' : '0', MaxLength: '2048' } }
      : {}),
  }));
}

/** A custom attribute as DescribeUserPool lists it: named with its `custom:` prefix, never required. */
export function customString(name: string, maxLength: number, mutable = true): SchemaAttributeType {
  return {
    Name: `custom:${name}`,
    AttributeDataType: 'String',
    DeveloperOnlyAttribute: false,
    Mutable: mutable,
    Required: false,
    StringAttributeConstraints: { MinLength: '0', MaxLength: String(maxLength) },
  };
}

/**
 * The attributes of a user being created must fit the pool's schema: each one defined in it (`sub`
 * is Cognito's to assign), strings within their length, and every required attribute present. Cognito
 * refuses otherwise, naming the attribute, as AdminCreateUser does
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html#API_AdminCreateUser_Errors).
 */
export function checkNewUserAttributes(
  schema: readonly SchemaAttributeType[],
  attributes: Record<string, string>,
): void {
  const byName = new Map(schema.map((a) => [a.Name, a]));
  for (const [name, value] of Object.entries(attributes)) {
    const defined = byName.get(name);
    if (!defined || name === 'sub') {
      fail(InvalidParameterException, `user.${name}: Attribute does not exist in the schema.`);
    }
    const max = Number(defined.StringAttributeConstraints?.MaxLength ?? Number.POSITIVE_INFINITY);
    if (defined.AttributeDataType === 'String' && value.length > max) {
      fail(InvalidParameterException, `user.${name}: String must be no longer than ${max} characters.`);
    }
  }
  for (const required of schema.filter((a) => a.Required && a.Name !== 'sub')) {
    if (!((required.Name ?? '') in attributes)) {
      fail(InvalidParameterException, `user.${required.Name}: The attribute is required`);
    }
  }
}
