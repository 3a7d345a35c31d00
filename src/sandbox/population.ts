import { createHash } from 'node:crypto';
import type { Plan } from '../plan/schema.ts';
import { CREATED } from './seeding.ts';
import { type Listing, type PoolUser, SANDBOX_SECRET_MARK, UserMap, type World } from './world.ts';

/**
 * An old pool of many users, for rehearsing the sweep: weeks after the cutover, some have signed in
 * (the trigger moved them), a few carry an attribute the new pool's schema lacks, a few are disabled.
 * Each user is made from their number alone, so a rehearsal is the same every run, and a pool of a
 * million costs a few bytes a user (PackedUsers below), so a rehearsal's memory stays flat.
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

const GROUP = 'usermanagement-editors';
const NAME = /^user-0*(\d+)@example\.org$/;

/**
 * Cognito's subs are random UUIDs; these are as evenly spread. The first two hex digits are the
 * user's number modulo 256, so the users whose sub starts with them (a sweep's shard) are found by
 * arithmetic rather than by reading every user.
 */
function subOf(n: number): string {
  const hex = createHash('sha256').update(`sandbox-user-${n}`).digest('hex');
  const shard = ((n - 1) % 256).toString(16).padStart(2, '0');
  return `${shard}${hex.slice(2, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The population's rules: who each numbered user is, in the old pool and once moved. */
class Shape {
  readonly migratedEvery: number;
  readonly refusedEvery: number;
  readonly disabledEvery: number;
  private readonly width: number;

  constructor(readonly population: Population) {
    this.migratedEvery = population.migratedEvery ?? 10;
    this.refusedEvery = population.refusedEvery ?? 250;
    this.disabledEvery = population.disabledEvery ?? 500;
    this.width = String(population.users).length;
  }

  username(n: number): string {
    return `user-${String(n).padStart(this.width, '0')}@example.org`;
  }

  /** The user's number, when `username` is one of the population's. */
  number(username: string): number | undefined {
    const n = Number(NAME.exec(username)?.[1]);
    return Number.isInteger(n) && n >= 1 && n <= this.population.users && this.username(n) === username
      ? n
      : undefined;
  }

  attributes(n: number): Record<string, string> {
    const username = this.username(n);
    return {
      email: username,
      email_verified: 'true',
      'custom:tenant': 'tis',
      ...(n % this.refusedEvery === 0 ? { 'custom:employee_id': `E${n}` } : {}),
    };
  }

  groups(n: number): string[] {
    return n % 3 === 0 ? [GROUP] : [];
  }

  old(n: number): PoolUser {
    return {
      username: this.username(n),
      sub: subOf(n),
      password: `${SANDBOX_SECRET_MARK}-user-${n}`,
      attributes: this.attributes(n),
      status: 'CONFIRMED',
      enabled: n % this.disabledEvery !== 0,
      groups: this.groups(n),
      createdAt: CREATED,
    };
  }

  /** What the user is in the new pool once moved (or migrated at sign-in): their old sub in custom:legacy_sub. */
  moved(n: number): Record<string, string> {
    return { ...this.attributes(n), 'custom:legacy_sub': subOf(n) };
  }
}

const STATUS = ['CONFIRMED', 'RESET_REQUIRED', 'FORCE_CHANGE_PASSWORD'] as const;
/** A password nobody can type: a moved user's was random and never kept. */
const UNKNOWABLE = '\u0000unknowable';

/**
 * A pool's users by name, the population's packed into a few typed arrays and unpacked while in use.
 * The sandbox's commands hold a user only within one call, so the last `LIVE` users touched are kept
 * as objects and the rest packed back: a million users cost about 30 MB instead of a few GB. A user
 * that does not fit the packed form (attributes of their own, a known password) stays an object.
 */
export class PackedUsers extends UserMap {
  private static readonly LIVE = 4096;
  /** 0: absent; 1 + the index of the status in STATUS. */
  private readonly status: Uint8Array;
  /** Bit 0: enabled; bit 1: in GROUP; bit 2: the population's own password. */
  private readonly flags: Uint8Array;
  private readonly subs: Float64Array;
  private readonly created: Float64Array;
  private readonly modified: Float64Array;
  private readonly live = new Map<string, PoolUser>();
  private packedCount = 0;

  constructor(
    private readonly shape: Shape,
    /** How a packed user's sub is kept: as the number a `00000000-…-<hex>` sub ends in, or the old pool's own. */
    private readonly kind: 'old' | 'new',
  ) {
    super();
    const n = shape.population.users + 1;
    this.status = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.subs = new Float64Array(n);
    this.created = new Float64Array(n);
    this.modified = new Float64Array(n);
  }

  /** Packs `user` as number `n` if it fits the population's form; false when it must stay an object. */
  private pack(n: number, user: PoolUser): boolean {
    const expected = this.kind === 'old' ? this.shape.attributes(n) : this.shape.moved(n);
    const attributes = Object.entries(user.attributes);
    if (attributes.length !== Object.keys(expected).length) return false;
    if (attributes.some(([k, v]) => expected[k] !== v)) return false;
    if (user.groups.some((g) => g !== GROUP)) return false;
    const ownPassword = user.password === `${SANDBOX_SECRET_MARK}-user-${n}`;
    if (!ownPassword && user.status !== 'RESET_REQUIRED') return false;
    const sub =
      this.kind === 'old'
        ? user.sub === subOf(n)
          ? 0
          : Number.NaN
        : Number.parseInt(user.sub.slice(24), 16);
    if (Number.isNaN(sub) || (this.kind === 'new' && !user.sub.startsWith('00000000-0000-4000-8000-')))
      return false;
    if (user.arrived) return false;
    if (this.status[n] === 0) this.packedCount += 1;
    this.status[n] = 1 + STATUS.indexOf(user.status);
    this.flags[n] = (user.enabled ? 1 : 0) | (user.groups.includes(GROUP) ? 2 : 0) | (ownPassword ? 4 : 0);
    this.subs[n] = sub;
    this.created[n] = user.createdAt;
    this.modified[n] = user.modifiedAt ?? Number.NaN;
    return true;
  }

  private unpack(n: number): PoolUser | undefined {
    const code = this.status[n] ?? 0;
    if (code === 0) return undefined;
    const flags = this.flags[n] ?? 0;
    const modified = this.modified[n] ?? Number.NaN;
    return {
      username: this.shape.username(n),
      sub:
        this.kind === 'old'
          ? subOf(n)
          : `00000000-0000-4000-8000-${(this.subs[n] ?? 0).toString(16).padStart(12, '0')}`,
      password: flags & 4 ? `${SANDBOX_SECRET_MARK}-user-${n}` : UNKNOWABLE,
      attributes: this.kind === 'old' ? this.shape.attributes(n) : this.shape.moved(n),
      status: STATUS[code - 1] ?? 'CONFIRMED',
      enabled: (flags & 1) === 1,
      groups: flags & 2 ? [GROUP] : [],
      createdAt: this.created[n] ?? CREATED,
      ...(Number.isNaN(modified) ? {} : { modifiedAt: modified }),
    };
  }

  private unpacked(n: number): void {
    if (this.status[n] !== 0) this.packedCount -= 1;
    this.status[n] = 0;
  }

  /** Keeps `user` live; the one touched longest ago is packed back, or kept as an object. */
  private touch(username: string, user: PoolUser): void {
    this.live.delete(username);
    this.live.set(username, user);
    if (this.live.size <= PackedUsers.LIVE) return;
    const [oldest, held] = this.live.entries().next().value as [string, PoolUser];
    this.live.delete(oldest);
    const n = this.shape.number(oldest);
    if (n === undefined || !this.pack(n, held)) super.set(oldest, held);
  }

  override get(username: string): PoolUser | undefined {
    const live = this.live.get(username);
    if (live) return live;
    const kept = super.get(username);
    if (kept) return kept;
    const n = this.shape.number(username);
    const user = n === undefined ? undefined : this.unpack(n);
    if (!user || n === undefined) return undefined;
    this.unpacked(n);
    this.touch(username, user);
    return user;
  }

  override has(username: string): boolean {
    if (this.live.has(username) || super.has(username)) return true;
    const n = this.shape.number(username);
    return n !== undefined && this.status[n] !== 0;
  }

  override set(username: string, user: PoolUser): this {
    this.version += 1;
    const n = this.shape.number(username);
    if (n === undefined) return super.set(username, user);
    this.unpacked(n);
    Map.prototype.delete.call(this, username);
    this.touch(username, user);
    return this;
  }

  override delete(username: string): boolean {
    this.version += 1;
    const n = this.shape.number(username);
    const packed = n !== undefined && this.status[n] !== 0;
    if (n !== undefined) this.unpacked(n);
    return this.live.delete(username) || Map.prototype.delete.call(this, username) || packed;
  }

  override get size(): number {
    return super.size + this.live.size + this.packedCount;
  }

  /** Users kept as objects, then live ones, then packed ones as copies (changing a copy changes nothing). */
  override *values(): MapIterator<PoolUser> {
    yield* super.values();
    yield* this.live.values();
    for (let n = 1; n <= this.shape.population.users; n++) {
      const user = this.status[n] === 0 ? undefined : this.unpack(n);
      if (user) yield user;
    }
  }

  override *keys(): MapIterator<string> {
    for (const user of this.values()) yield user.username;
  }

  override *entries(): MapIterator<[string, PoolUser]> {
    for (const user of this.values()) yield [user.username, user];
  }

  override [Symbol.iterator](): MapIterator<[string, PoolUser]> {
    return this.entries();
  }

  override forEach(callback: (user: PoolUser, username: string, map: Map<string, PoolUser>) => void): void {
    for (const [username, user] of this.entries()) callback(user, username, this);
  }

  /**
   * The names of the users whose sub starts with `prefix` (two hex digits or more, a sweep's shard),
   * found by arithmetic for the old pool's packed users; undefined for any other search.
   */
  override subPrefix(prefix: string): Listing | undefined {
    if (this.kind !== 'old' || !/^[0-9a-f]{2}$/.test(prefix)) return undefined;
    const shard = Number.parseInt(prefix, 16);
    // Those kept as objects are not the population's (every population user is live or packed).
    const others = [...super.values()].filter((u) => u.sub.startsWith(prefix)).map((u) => u.username);
    const packed = Math.max(0, Math.ceil((this.shape.population.users - shard) / 256));
    // Numbers n = shard + 1 + 256 k, every one packed in the old pool (the sweep changes none).
    return {
      length: others.length + packed,
      slice: (start, end) => {
        const names: string[] = [];
        for (let i = start; i < Math.min(end, others.length + packed); i++) {
          names.push(
            i < others.length
              ? (others[i] ?? '')
              : this.shape.username(shard + 1 + 256 * (i - others.length)),
          );
        }
        return names;
      },
    };
  }
}

export function seedPopulation(world: World, plan: Plan, population: Population): void {
  const oldPool = world.pools.get(plan.oldPool.userPoolId);
  const newPool = world.pools.get(plan.newPool.userPoolId);
  // A world that has its population (one a `--state-dir` kept) keeps it, and what sweeps did to it.
  if (!oldPool || !newPool || oldPool.users instanceof PackedUsers) return;
  for (const name of oldPool.users.keys()) if (name.startsWith('user-')) return;
  const shape = new Shape(population);
  const old = new PackedUsers(shape, 'old');
  const moved = new PackedUsers(shape, 'new');
  for (const [name, user] of oldPool.users) old.set(name, user);
  for (const [name, user] of newPool.users) moved.set(name, user);
  for (let n = 1; n <= population.users; n++) {
    old.set(shape.username(n), shape.old(n));
    if (n % shape.migratedEvery === 0 && n % shape.refusedEvery !== 0) {
      moved.set(shape.username(n), {
        username: shape.username(n),
        sub: `00000000-0000-4000-8000-${(0xf0000000 + n).toString(16).padStart(12, '0')}`,
        password: `${SANDBOX_SECRET_MARK}-user-${n}`,
        attributes: shape.moved(n),
        status: 'CONFIRMED',
        enabled: true,
        groups: shape.groups(n),
        createdAt: CREATED,
      });
    }
  }
  oldPool.users = old;
  newPool.users = moved;
}
