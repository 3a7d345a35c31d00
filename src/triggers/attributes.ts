import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { ConfigInvalid } from '../errors.ts';

/**
 * Which of an old-pool user's attributes a migrated user keeps, and where the old `sub` goes. One rule
 * for the UserMigration trigger, which applies it, and Preflight, which proves the new pool's schema
 * can hold what it carries.
 */
export interface CarryRule {
  /** `all`: every attribute the old user has; otherwise only these. */
  attributes: 'all' | readonly string[];
  /** The new pool's custom attribute that keeps the old pool's `sub` (its identity in the old world). */
  legacySubAttribute: string;
}

export const DEFAULT_LEGACY_SUB_ATTRIBUTE = 'custom:legacy_sub';

/**
 * Cognito assigns these itself and refuses them from anyone else: `sub` is the new pool's own id for
 * the user, `identities` its links to federated sign-ins
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html).
 */
const ASSIGNED_BY_COGNITO = new Set(['sub', 'identities']);

/**
 * Reads the rule from a migration function's environment: `MIGRATED_ATTRIBUTES` (comma-separated;
 * unset, empty or `*` for all) and `LEGACY_SUB_ATTRIBUTE` (default `custom:legacy_sub`).
 */
export function carryRuleFromEnv(env: NodeJS.ProcessEnv): CarryRule {
  const listed = (env.MIGRATED_ATTRIBUTES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const legacySubAttribute = env.LEGACY_SUB_ATTRIBUTE?.trim() || DEFAULT_LEGACY_SUB_ATTRIBUTE;
  if (!/^custom:[\w-]{1,20}$/.test(legacySubAttribute)) {
    throw new ConfigInvalid(
      `LEGACY_SUB_ATTRIBUTE '${legacySubAttribute}' is not a custom attribute: name one like custom:legacy_sub (at most 20 characters after custom:), or unset it.`,
    );
  }
  const assigned = listed.filter((name) => ASSIGNED_BY_COGNITO.has(name));
  if (assigned.length > 0) {
    throw new ConfigInvalid(
      `MIGRATED_ATTRIBUTES names ${assigned.join(', ')}, which Cognito assigns itself: leave ${assigned.length > 1 ? 'them' : 'it'} out (the old sub is kept in ${legacySubAttribute}).`,
    );
  }
  const all = listed.length === 0 || (listed.length === 1 && listed[0] === '*');
  return { attributes: all ? 'all' : listed, legacySubAttribute };
}

/** Whether the rule carries an old-pool attribute of this name. */
export function carries(rule: CarryRule, name: string): boolean {
  if (ASSIGNED_BY_COGNITO.has(name) || name === rule.legacySubAttribute) return false;
  return rule.attributes === 'all' || rule.attributes.includes(name);
}

/**
 * The attributes the new pool's user is created with: those the rule carries, and the legacy `sub`.
 * A user the old pool had itself migrated keeps the first `sub` it had, which is the one the dependent
 * services were keyed by.
 */
export function carriedAttributes(old: readonly AttributeType[], rule: CarryRule): Record<string, string> {
  const kept: Record<string, string> = {};
  let sub: string | undefined;
  let earlier: string | undefined;
  for (const { Name, Value } of old) {
    if (Name === undefined || Value === undefined) continue;
    if (Name === 'sub') sub = Value;
    else if (Name === rule.legacySubAttribute) earlier = Value;
    // Cognito already sends *_verified as 'true'/'false', which is what the new pool wants back.
    else if (carries(rule, Name)) kept[Name] = Value;
  }
  const legacy = earlier ?? sub;
  if (legacy !== undefined) kept[rule.legacySubAttribute] = legacy;
  return kept;
}
