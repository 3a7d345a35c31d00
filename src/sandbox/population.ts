import { createHash } from 'node:crypto';
import type { Plan } from '../plan/schema.ts';
import { CREATED } from './seeding.ts';
import { SANDBOX_SECRET_MARK, type World } from './world.ts';

/**
 * An old pool of many users, for rehearsing the sweep: weeks after the cutover, some have signed in
 * (the trigger moved them), a few carry an attribute the new pool's schema lacks, a few are disabled.
 * Each user is made from their number alone, so a rehearsal is the same every run.
 */
export interface Population {
  users: number;
  /** Every n-th user signed in since the cutover, and is in the new pool already. */
  migratedEvery?: number;
  /** Every n-th user carries `custom:employee_id`, which the new pool's schema lacks. */
  refusedEvery?: number;
  /** Every n-th user is disabled in the old pool. */
  disabledEvery?: number;
}

/** Cognito's subs are random UUIDs; these are as evenly spread, from the user's number. */
function subOf(n: number): string {
  const hex = createHash('sha256').update(`sandbox-user-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function seedPopulation(world: World, plan: Plan, population: Population): void {
  const oldPool = world.pools.get(plan.oldPool.userPoolId);
  const newPool = world.pools.get(plan.newPool.userPoolId);
  if (!oldPool || !newPool) return;
  const { users, migratedEvery = 10, refusedEvery = 250, disabledEvery = 500 } = population;
  const width = String(users).length;
  // A world that has its population (one a `--state-dir` kept) keeps it, and what sweeps did to it.
  if ([...oldPool.users.keys()].some((name) => name.startsWith('user-'))) return;
  for (let n = 1; n <= users; n++) {
    const username = `user-${String(n).padStart(width, '0')}@example.org`;
    const sub = subOf(n);
    const attributes: Record<string, string> = {
      email: username,
      email_verified: 'true',
      'custom:tenant': 'tis',
    };
    if (n % refusedEvery === 0) attributes['custom:employee_id'] = `E${n}`;
    const groups = n % 3 === 0 ? ['usermanagement-editors'] : [];
    oldPool.users.set(username, {
      username,
      sub,
      password: `${SANDBOX_SECRET_MARK}-user-${n}`,
      attributes,
      status: 'CONFIRMED',
      enabled: n % disabledEvery !== 0,
      groups,
      createdAt: CREATED,
    });
    if (n % migratedEvery === 0 && n % refusedEvery !== 0) {
      newPool.users.set(username, {
        username,
        sub: subOf(users + n),
        password: `${SANDBOX_SECRET_MARK}-user-${n}`,
        attributes: {
          email: username,
          email_verified: 'true',
          'custom:tenant': 'tis',
          'custom:legacy_sub': sub,
        },
        status: 'CONFIRMED',
        enabled: true,
        groups: [...groups],
        createdAt: CREATED,
      });
    }
  }
}
