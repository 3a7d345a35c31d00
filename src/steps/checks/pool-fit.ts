import {
  DescribeUserPoolClientCommand,
  GetUserPoolMfaConfigCommand,
  type SchemaAttributeType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { Plan } from '../../plan/schema.ts';
import { type CarryRule, carries } from '../../triggers/attributes.ts';
import type { PoolFacts } from '../core/pools.ts';

/**
 * The new pool can hold the old pool's users: what the migration trigger carries fits the new schema,
 * the legacy `sub` has somewhere to live, and users sign in by the same names. A user who does not fit
 * is refused by Cognito at their first sign-in, and sees only "incorrect username or password".
 */

const schemaOf = (pool: UserPoolType) =>
  new Map((pool.SchemaAttributes ?? []).flatMap((a) => (a.Name ? [[a.Name, a] as const] : [])));

const maxLength = (a: SchemaAttributeType) =>
  Number(a.StringAttributeConstraints?.MaxLength ?? Number.POSITIVE_INFINITY);

/** How many names a message lists. */
const list = (names: readonly string[]) =>
  names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');

/** A command that adds a custom attribute like `wanted` to `poolId` (its name without `custom:`). */
function addAttributeCommand(poolId: string, name: string, wanted: SchemaAttributeType): string {
  const constraints =
    wanted.AttributeDataType === 'String' && wanted.StringAttributeConstraints?.MaxLength
      ? `,StringAttributeConstraints={MaxLength=${wanted.StringAttributeConstraints.MaxLength}}`
      : '';
  return `aws cognito-idp add-custom-attributes --user-pool-id ${poolId} --custom-attributes Name=${name.replace(/^custom:/, '')},AttributeDataType=${wanted.AttributeDataType ?? 'String'},Mutable=${wanted.Mutable ?? true}${constraints}`;
}

/**
 * Every attribute the migration carries exists in the new pool's schema with the same type and room
 * for the old values, and every attribute the new pool requires is carried.
 */
export function attributesFit(plan: Plan, facts: PoolFacts, rule: CarryRule): string {
  const old = schemaOf(facts.oldPool);
  const now = schemaOf(facts.newPool);
  const carried = [...old.keys()].filter((name) => carries(rule, name));
  const problems: string[] = [];
  if (rule.attributes !== 'all') {
    const unknown = rule.attributes.filter((name) => !old.has(name));
    if (unknown.length > 0)
      problems.push(
        `MIGRATED_ATTRIBUTES of ${plan.newPool.migrationFunctionName} names ${list(unknown)}, which the old pool's schema lacks: correct the name`,
      );
  }
  for (const name of carried) {
    const before = old.get(name) as SchemaAttributeType;
    const after = now.get(name);
    if (!after) {
      problems.push(
        `the new pool's schema lacks ${name}, which the migration carries: add it (${addAttributeCommand(plan.newPool.userPoolId, name, before)}), or leave it out with MIGRATED_ATTRIBUTES`,
      );
    } else if (after.AttributeDataType !== before.AttributeDataType) {
      problems.push(
        `${name} is ${before.AttributeDataType} in the old pool and ${after.AttributeDataType} in the new one, and an attribute's type cannot change: carry it into a new custom attribute of type ${before.AttributeDataType}, or leave it out with MIGRATED_ATTRIBUTES`,
      );
    } else if (maxLength(after) < maxLength(before)) {
      problems.push(
        `${name} holds up to ${maxLength(before)} characters in the old pool but ${maxLength(after)} in the new one: a user with a longer value could not migrate`,
      );
    }
  }
  const required = [...now.values()].filter((a) => a.Required && a.Name !== 'sub').map((a) => a.Name ?? '');
  for (const name of required.filter((n) => !carried.includes(n))) {
    problems.push(
      `the new pool requires ${name}, which the migration does not carry${old.has(name) ? ' (MIGRATED_ATTRIBUTES leaves it out)' : " (the old pool's schema lacks it)"}: no user could be created; carry it, or use a new pool that does not require it`,
    );
  }
  for (const name of required.filter((n) => carried.includes(n) && !old.get(n)?.Required)) {
    problems.push(
      `the new pool requires ${name}, which is optional in the old pool: an old user without it could not migrate; give every old-pool user a value first (aws cognito-idp admin-update-user-attributes)`,
    );
  }
  if (problems.length > 0) throw new PreflightFailed(problems);
  return `the new pool's schema holds all ${carried.length} carried attribute(s): ${list(carried)}`;
}

/** A `sub` is a UUID: 36 characters. */
const SUB_LENGTH = 36;

/** The custom attribute that keeps the old `sub` exists, fits one, and the app client may read it. */
export async function legacySubReadable(plan: Plan, facts: PoolFacts, rule: CarryRule): Promise<string> {
  const name = rule.legacySubAttribute;
  const defined = schemaOf(facts.newPool).get(name);
  const wanted: SchemaAttributeType = {
    AttributeDataType: 'String',
    Mutable: false,
    StringAttributeConstraints: { MaxLength: '64' },
  };
  if (!defined) {
    throw new PreflightFailed([
      `the new pool's schema lacks ${name}, where a migrated user keeps the old pool's sub (the legacy_sub claim reads it): add it (${addAttributeCommand(plan.newPool.userPoolId, name, wanted)})`,
    ]);
  }
  if (defined.AttributeDataType !== 'String' || maxLength(defined) < SUB_LENGTH) {
    throw new PreflightFailed([
      `${name} in the new pool is ${defined.AttributeDataType} of at most ${maxLength(defined)} characters, too small for a sub (a ${SUB_LENGTH}-character String): add another (${addAttributeCommand(plan.newPool.userPoolId, `${name}_v2`, wanted)}) and set LEGACY_SUB_ATTRIBUTE to it`,
    ]);
  }
  const client = await named(
    `describing app client ${plan.newPool.appClientId}`,
    aws.cognito(plan.region).send(
      new DescribeUserPoolClientCommand({
        UserPoolId: plan.newPool.userPoolId,
        ClientId: plan.newPool.appClientId,
      }),
    ),
  );
  const readable = client.UserPoolClient?.ReadAttributes ?? [];
  // No list at all: the client reads every attribute.
  if (readable.length > 0 && !readable.includes(name)) {
    throw new PreflightFailed([
      `app client ${plan.newPool.appClientId} may not read ${name}: add it to the client's ReadAttributes (update-user-pool-client resets every setting it is not given: pass the client's whole configuration with it)`,
    ]);
  }
  return `${name} (String, up to ${maxLength(defined)}) keeps the old sub; app client ${plan.newPool.appClientId} may read it`;
}

interface UsernameConfig {
  caseSensitive: boolean;
  usernameAttributes: string[];
  aliasAttributes: string[];
}

function usernameConfig(pool: UserPoolType): UsernameConfig {
  return {
    // A pool made before the setting existed has none, and is case sensitive.
    caseSensitive: pool.UsernameConfiguration?.CaseSensitive ?? true,
    usernameAttributes: [...(pool.UsernameAttributes ?? [])].sort(),
    aliasAttributes: [...(pool.AliasAttributes ?? [])].sort(),
  };
}

/** What each difference does to a user, for the operator deciding whether to accept it. */
function usernameDifferences(old: UsernameConfig, now: UsernameConfig): string[] {
  const found: string[] = [];
  const sensitivity = (c: UsernameConfig) => (c.caseSensitive ? 'case-sensitive' : 'case-insensitive');
  if (old.caseSensitive !== now.caseSensitive) {
    found.push(
      `usernames are ${sensitivity(old)} in the old pool and ${sensitivity(now)} in the new one: ${
        old.caseSensitive
          ? 'old users whose names differ only in case would meet as one user'
          : "a user who signs in with other capitals than the old pool's would not be found"
      }`,
    );
  }
  const named = (values: string[]) => values.join(', ') || 'none';
  if (old.usernameAttributes.join() !== now.usernameAttributes.join()) {
    found.push(
      `users sign in as ${named(old.usernameAttributes)} in the old pool (UsernameAttributes) but as ${named(now.usernameAttributes)} in the new one`,
    );
  }
  if (old.aliasAttributes.join() !== now.aliasAttributes.join()) {
    found.push(
      `the old pool accepts ${named(old.aliasAttributes)} as aliases and the new one ${named(now.aliasAttributes)}: a user who signs in by a missing alias is not found`,
    );
  }
  return found;
}

/** Users sign in to the new pool by the names they used on the old one, or the plan says why not. */
export function usernamesAlike(plan: Plan, facts: PoolFacts): string {
  const differences = usernameDifferences(usernameConfig(facts.oldPool), usernameConfig(facts.newPool));
  if (differences.length === 0) return 'the same username configuration in both pools';
  const accepted = plan.newPool.acceptUsernameDifference;
  if (accepted) return `${differences.join('; ')}. Accepted: ${accepted}`;
  throw new PreflightFailed(
    differences.map(
      (d) =>
        `${d}: use a new pool configured like the old one, or explain why it is safe in newPool.acceptUsernameDifference`,
    ),
  );
}

/**
 * Who must enrol an authenticator app again: Cognito cannot export a TOTP secret, so an old-pool user
 * who signed in with one meets the new pool without it. Reported, never a stop.
 */
export async function totpReenrolment(plan: Plan, facts: PoolFacts): Promise<string> {
  if ((facts.oldPool.MfaConfiguration ?? 'OFF') === 'OFF') {
    return 'MFA is off in the old pool: nobody has an authenticator app to enrol again';
  }
  const mfa = await named(
    `reading the MFA configuration of ${plan.oldPool.userPoolId}`,
    aws.cognito(plan.region).send(new GetUserPoolMfaConfigCommand({ UserPoolId: plan.oldPool.userPoolId })),
  );
  if (!mfa.SoftwareTokenMfaConfiguration?.Enabled) {
    return 'the old pool does not offer authenticator apps (TOTP): nobody has one to enrol again';
  }
  return `the old pool offers authenticator apps (TOTP), whose secrets Cognito cannot export: users who use one must enrol it again after migrating: tell them in the start notice`;
}
