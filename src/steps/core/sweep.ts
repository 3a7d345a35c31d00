import * as z from 'zod';

/**
 * The sweep's shapes, as the state machine carries them between its states: the settings every shard's
 * worker reads, and each shard's progress. References and counts only: no username ever travels
 * through the execution's state.
 */

/**
 * The old pool read in shards of `sub` (a random UUID, so the shards are even), each a child execution
 * of the sweep. A child records about 9 history events per call of 5 users and may record 25,000
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), so a shard holds about
 * 13,000 users: 256 shards (two hex digits) serve a pool of up to `MAX_USERS_PER_SHARD` × 256, and a
 * larger one gets 4,096 (three). More shards also leave the quota idle less while the last finish.
 */
export const MAX_USERS_PER_SHARD = 12_000;

export function shardsFor(estimatedUsers: number): string[] {
  const digits = estimatedUsers > MAX_USERS_PER_SHARD * 256 ? 3 : 2;
  return Array.from({ length: 16 ** digits }, (_, i) => i.toString(16).padStart(digits, '0'));
}

/** The shards of a pool of a few million users or fewer. */
export const SHARDS = shardsFor(0);

/** How many shards are swept at once: the sweep machine's MaxConcurrency, which must equal it. */
export const WORKERS = 10;

export const sweepSettings = z.object({
  sweepId: z.string().min(1),
  migrationId: z.string().min(1),
  /** The stage whose sweep machine runs it, for the commands notices name. */
  stage: z.string().min(1),
  region: z.string().min(1),
  oldUserPoolId: z.string().min(1),
  newUserPoolId: z.string().min(1),
  /** Users per second, all workers together (the plan's quotas.createUsersPerSecond). */
  perSecond: z.int().min(1),
  workers: z.int().min(1),
  dryRun: z.boolean(),
  /** Share of a shard's users the new pool may refuse before the sweep stops, in percent. */
  toleratedFailurePercent: z.number().min(0).max(100),
  startedAt: z.iso.datetime(),
});
export type SweepSettings = z.output<typeof sweepSettings>;

export const shardProgress = z.object({
  /** The page to read next; null before the first. */
  next: z.string().nullable(),
  /** Users of that page already dealt with (a call that met throttling stops part way). */
  skip: z.int().min(0),
  done: z.boolean(),
  scanned: z.int().min(0),
  moved: z.int().min(0),
  alreadyInNewPool: z.int().min(0),
  failed: z.int().min(0),
  skipped: z.int().min(0),
  throttled: z.int().min(0),
  /** Seconds the last throttled call backed off; 0 while Cognito admits the pace. */
  backoff: z.int().min(0),
  waitSeconds: z.int().min(0),
});
export type ShardProgress = z.output<typeof shardProgress>;

/** A shard not yet read, as the sweep machine's ItemSelector writes it. */
export const FRESH: ShardProgress = {
  next: null,
  skip: 0,
  done: false,
  scanned: 0,
  moved: 0,
  alreadyInNewPool: 0,
  failed: 0,
  skipped: 0,
  throttled: 0,
  backoff: 0,
  waitSeconds: 0,
};
