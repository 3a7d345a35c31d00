import * as z from 'zod';
import type { GainedCategory, GainedUser } from '../ledger/gained.ts';

/**
 * What a rollback says of the users the new pool gained, in words and counts: the report, the
 * operators' notice and `cutover gained` share it. No AWS call here (count-gained.ts makes them), so
 * the notice's function holds no permission it does not use.
 */

/** The census reads one shard per first hex digit of `sub`: a UUID, so the shards are even. */
export const SHARDS = [...'0123456789abcdef'];

/** Each kind of gained user: what they did in the new pool, and what they meet once the old pool is the only one again. */
export const GAINED: Record<GainedCategory, { did: string; after: string }> = {
  signedUp: {
    did: 'signed up in the new pool',
    after:
      'must sign up again, or be created again by the user-management service (the account exists only in the new pool)',
  },
  changed: {
    did: 'changed their password or profile in the new pool',
    after: 'must use the old password (or reset it) and make the profile change again',
  },
  migrated: {
    did: 'were migrated (at sign-in, or by a sweep) and changed nothing there',
    after: 'nothing to redo: the old pool still has the account and its password',
  },
};

const count = z.int().min(0);
/** One shard's reading so far, as the Map carries it from call to call. */
export const shardProgress = z.object({
  /** The next page of the shard; null once it has been read to the end. */
  next: z.string().nullable(),
  scanned: count,
  signedUp: count,
  migrated: count,
  changed: count,
});
export type ShardProgress = z.infer<typeof shardProgress>;

/** The shards' counts added up, as the rollback's report and the operators' notice give them. */
export function gainedTotals(shards: readonly ShardProgress[]) {
  const sum = (key: 'scanned' | GainedCategory) => shards.reduce((n, s) => n + s[key], 0);
  const totals = {
    scanned: sum('scanned'),
    signedUp: sum('signedUp'),
    migrated: sum('migrated'),
    changed: sum('changed'),
  };
  return {
    ...totals,
    users: totals.signedUp + totals.migrated + totals.changed,
    complete: shards.length === SHARDS.length && shards.every((s) => s.next === null),
  };
}

export interface GainedReport {
  /** How many users the new pool gained, all kinds together, and of each kind. */
  users: number;
  signedUp: number;
  migrated: number;
  changed: number;
  /** Each of them with what they meet after the rollback: for operators, never for a notice. */
  list: { username: string; category: GainedCategory; after: string }[];
}

/**
 * What the ledger holds of the rollbacks' counts, each user once: where two rollbacks counted one
 * user, the count that saw their latest change.
 */
export function gainedReport(counted: readonly GainedUser[]): GainedReport {
  const latest = new Map<string, GainedUser>();
  for (const user of counted) {
    const seen = latest.get(user.username);
    if (!seen || user.modifiedAt >= seen.modifiedAt) latest.set(user.username, user);
  }
  const list = [...latest.values()]
    .sort((a, b) => a.username.localeCompare(b.username))
    .map(({ username, category }) => ({ username, category, after: GAINED[category].after }));
  const count = (category: GainedCategory) => list.filter((u) => u.category === category).length;
  return {
    users: list.length,
    signedUp: count('signedUp'),
    migrated: count('migrated'),
    changed: count('changed'),
    list,
  };
}

/** The counts in words, one line per kind present, for the rehearsal's summary and the operators' notice. */
export function gainedLines(counts: Pick<GainedReport, GainedCategory>): string[] {
  return (['signedUp', 'changed', 'migrated'] as const)
    .filter((category) => counts[category] > 0)
    .map((category) => `${counts[category]} ${GAINED[category].did}: ${GAINED[category].after}`);
}
