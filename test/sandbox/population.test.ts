import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/schema.ts';
import { Sandbox } from '../../src/sandbox/index.ts';
import { PackedUsers, seedPopulation } from '../../src/sandbox/population.ts';
import { example } from '../fixtures/plans.ts';

const plan = parsePlan(example);

function pools(users: number) {
  const sandbox = Sandbox.fromPlan(plan);
  seedPopulation(sandbox.world, plan, { users });
  const pool = (id: string) => {
    const found = sandbox.world.pools.get(id);
    if (!found) throw new Error(`no pool ${id}`);
    return found;
  };
  return { old: pool(plan.oldPool.userPoolId), moved: pool(plan.newPool.userPoolId) };
}

describe('a seeded population', () => {
  it('keeps the world it was seeded into, people and canary included, and packs its own users', () => {
    // Act
    const { old, moved } = pools(10_000);

    // Assert
    expect(old.users).toBeInstanceOf(PackedUsers);
    expect(old.users.size).toBe(10_025);
    expect(old.users.get('person-01@example.org')?.groups).toEqual(['usermanagement-editors']);
    expect(moved.users.size).toBe(960);
    expect(old.users.get('user-00500@example.org')?.enabled).toBe(false);
    expect(old.users.get('user-00250@example.org')?.attributes['custom:employee_id']).toBe('E250');
  });

  it('keeps what a command changed on a user after thousands of others were touched and packed again', () => {
    // Arrange
    const { moved } = pools(100_000);
    const user = moved.users.get('user-000010@example.org');
    if (!user) throw new Error('user 10 signed in already');
    user.status = 'RESET_REQUIRED';
    user.modifiedAt = 42;
    user.groups.push('usermanagement-editors');

    // Act
    for (let n = 20; n <= 100_000; n += 10) moved.users.get(`user-${String(n).padStart(6, '0')}@example.org`);
    const again = moved.users.get('user-000010@example.org');

    // Assert
    expect(again).not.toBe(user);
    expect(again).toMatchObject({
      status: 'RESET_REQUIRED',
      modifiedAt: 42,
      groups: ['usermanagement-editors'],
    });
  });

  it('keeps as an object, whole, a user who does not fit the packed form', () => {
    // Arrange
    const { moved } = pools(100_000);
    const user = moved.users.get('user-000010@example.org');
    if (!user) throw new Error('user 10 signed in already');
    user.attributes.nickname = 'ten';

    // Act
    for (let n = 20; n <= 100_000; n += 10) moved.users.get(`user-${String(n).padStart(6, '0')}@example.org`);

    // Assert
    expect(moved.users.get('user-000010@example.org')?.attributes.nickname).toBe('ten');
  });

  it('lists the users of a shard of sub as reading every user would, a slice at a time', () => {
    // Arrange
    const { old } = pools(3_000);
    const scanned = [...old.users.values()]
      .filter((u) => u.sub.startsWith('0a'))
      .map((u) => u.username)
      .sort();

    // Act
    const listing = old.users.subPrefix('0a');

    // Assert
    expect(listing?.slice(0, listing.length).sort()).toEqual(scanned);
    expect(listing?.slice(2, 4)).toHaveLength(2);
  });

  it('counts a user set, and one deleted, as a Map does', () => {
    // Arrange
    const { moved } = pools(1_000);
    const before = moved.users.size;
    const user = moved.users.get('user-0010@example.org');
    if (!user) throw new Error('user 10 signed in already');

    // Act
    moved.users.delete('user-0010@example.org');
    const afterDelete = moved.users.size;
    moved.users.set('user-0010@example.org', user);

    // Assert
    expect(afterDelete).toBe(before - 1);
    expect(moved.users.has('user-0010@example.org')).toBe(true);
    expect(moved.users.size).toBe(before);
  });
});
