import { isDeepStrictEqual } from 'node:util';
import { RESOURCE_KINDS } from '../kinds/index.ts';
import { sandboxKinds } from './kinds.ts';
import type { World } from './world.ts';

/** The restorable state of the world by resource label; an absent resource has no entry. */
export type Snapshot = Record<string, unknown>;

export interface Difference {
  resource: string;
  /** `null` when the resource did not exist. */
  expected: unknown;
  actual: unknown;
}

/**
 * Every resource of every kind the cutover changes, as each kind snapshots it (src/sandbox/kinds.ts),
 * and the pools' users.
 */
export function takeSnapshot(world: World): Snapshot {
  const snapshot: Snapshot = {};
  for (const kind of RESOURCE_KINDS) Object.assign(snapshot, sandboxKinds[kind].snapshot(world));
  return structuredClone(Object.assign(snapshot, usersOf(world)));
}

const USER = 'cognito-user:';

/**
 * Users are part of the world a rollback must leave as it was: a canary left behind is drift. Those
 * who arrived in the new pool by their own doing stay, and the rollback reports them.
 */
function usersOf(world: World): Snapshot {
  const users: Snapshot = {};
  for (const pool of world.pools.values()) {
    for (const user of pool.users.values()) {
      if (user.arrived) continue;
      users[`${USER}${pool.id}/${user.username}`] = {
        status: user.status,
        enabled: user.enabled,
        attributes: { ...user.attributes },
      };
    }
  }
  return users;
}

/**
 * `snapshot` with the users as `world` has them now. A sweep is not undone by a rollback: the users
 * it found in the old pool and the copies it made in the new one are the world a later rollback must
 * leave, not drift.
 */
export function withUsersOf(snapshot: Snapshot, world: World): Snapshot {
  const resources = Object.entries(snapshot).filter(([label]) => !label.startsWith(USER));
  return structuredClone({ ...Object.fromEntries(resources), ...usersOf(world) });
}

export function compareSnapshot(expected: Snapshot, world: World): Difference[] {
  const actual = takeSnapshot(world);
  const labels = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return labels.flatMap((resource) => {
    const [e, a] = [expected[resource] ?? null, actual[resource] ?? null];
    return isDeepStrictEqual(e, a) ? [] : [{ resource, expected: e, actual: a }];
  });
}
