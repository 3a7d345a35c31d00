import type { Arrivals, PoolUser, World } from './world.ts';

/**
 * People who reach the new pool while the front end serves it, so a rollback has something to find:
 * every few minutes one of the old pool's users signs in and is migrated (attributes, legacy sub and
 * groups, as the triggers copy them), now and then someone new signs up, and a migrated user changes
 * their password. Each arrives at its own minute of the serving period, however the clock jumps.
 */
const EVERY_MS = { migrates: 5 * 60_000, signsUp: 20 * 60_000, changesPassword: 30 * 60_000 } as const;

/** The old pool's ordinary users, who sign in through the cutover. */
export const PEOPLE = 24;

/** What the front end's record answers now, whatever its routing: what resolvers get, not its TTL. */
export function answerNow(world: World, at: Pick<Arrivals, 'zoneId' | 'recordName' | 'recordType'>): string {
  const records = (world.zones.get(at.zoneId)?.records ?? []).filter(
    (r) => r.Name === at.recordName && r.Type === at.recordType,
  );
  return JSON.stringify(
    records.map((r) => [
      r.SetIdentifier,
      r.Weight,
      r.AliasTarget?.DNSName,
      r.ResourceRecords?.map((v) => v.Value),
    ]),
  );
}

/** A sub for the n-th user of the new pool; its first digit turns over, as a UUID's spreads. */
function uuidAt(n: number): string {
  return `${(n % 16).toString(16)}${n.toString(16).padStart(7, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Brings the new pool up to `now`: every arrival due in the current serving period happens. */
export function arrive(world: World, now: number): void {
  const a = world.arrivals;
  if (!a) return;
  if (answerNow(world, a) === a.before) {
    a.servingSince = undefined;
    a.done = { migrates: 0, signsUp: 0, changesPassword: 0 };
    return;
  }
  a.servingSince ??= now;
  const since = a.servingSince;
  const oldPool = world.pools.get(a.oldPoolId);
  const newPool = world.pools.get(a.newPoolId);
  if (!oldPool || !newPool) return;
  const due = (kind: keyof typeof EVERY_MS) => Math.floor((now - since) / EVERY_MS[kind]);
  const at = (kind: keyof typeof EVERY_MS, n: number) => since + n * EVERY_MS[kind];
  while (a.done.migrates < due('migrates')) {
    a.done.migrates++;
    const person = [...oldPool.users.values()].find(
      (u) => u.username.startsWith('person-') && !newPool.users.has(u.username),
    );
    if (!person) break;
    const when = at('migrates', a.done.migrates);
    newPool.users.set(person.username, {
      ...person,
      sub: uuidAt(newPool.users.size + 1),
      attributes: { ...person.attributes, [a.legacySubAttribute]: person.sub },
      groups: [...person.groups],
      createdAt: when,
      modifiedAt: when,
      arrived: true,
    });
  }
  while (a.done.signsUp < due('signsUp')) {
    a.done.signsUp++;
    const when = at('signsUp', a.done.signsUp);
    const username = `newcomer-${a.done.signsUp}@example.org`;
    newPool.users.set(username, {
      username,
      sub: uuidAt(newPool.users.size + 1),
      password: `newcomer-${a.done.signsUp}-password`,
      attributes: { email: username, email_verified: 'true' },
      status: 'CONFIRMED',
      enabled: true,
      groups: [],
      createdAt: when,
      modifiedAt: when,
      arrived: true,
    });
  }
  while (a.done.changesPassword < due('changesPassword')) {
    a.done.changesPassword++;
    // A migrated user who has changed nothing yet.
    const user = [...newPool.users.values()].find(
      (u: PoolUser) => u.attributes[a.legacySubAttribute] && (u.modifiedAt ?? u.createdAt) === u.createdAt,
    );
    if (!user) break;
    user.password = `${user.password}-changed`;
    user.modifiedAt = at('changesPassword', a.done.changesPassword);
  }
}
