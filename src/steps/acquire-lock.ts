import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import * as aws from '../aws/aws.ts';
import { isNotFound, named } from '../aws/clients.ts';
import { AwsTransient, CutoverInProgress } from '../errors.ts';
import { listChanges } from '../ledger/changes.ts';
import { acquireLock, type Lock, readLock, takeOverLock } from '../ledger/lock.ts';
import { readPlan, recordPlan } from '../ledger/plan.ts';
import type { StepContext } from './core/context.ts';

export interface LockResult {
  acquired: boolean;
  /** Who holds the lock, when a dry-run finds it held. */
  heldBy?: string;
  /** The holder is no longer running. */
  stale?: boolean;
  /** The stale holder this execution took the lock over from, as the plan asked. */
  tookOverFrom?: string;
}

/** How the execution that holds a lock stands; `stale` only when it can no longer change anything. */
interface Holder {
  stale: boolean;
  /** "is still RUNNING", "ended FAILED at …", "no longer exists", or why it is not known. */
  state: string;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

async function holderOf(lock: Lock): Promise<Holder> {
  // arn:aws:states:<region>:<account>:execution:<state machine>:<name>
  const [arn, , service, region] = lock.owner.split(':');
  if (arn !== 'arn' || service !== 'states' || !region) {
    return { stale: false, state: 'is not an execution this step can look up' };
  }
  try {
    const execution = await named(
      `looking up ${lock.owner}, which holds the lock`,
      aws.sfn(region).send(new DescribeExecutionCommand({ executionArn: lock.owner })),
    );
    const status = execution.status ?? 'UNKNOWN';
    if (!ENDED.has(status)) return { stale: false, state: `is still ${status}` };
    return {
      stale: true,
      state: `ended ${status} at ${execution.stopDate?.toISOString() ?? 'an unknown time'}`,
    };
  } catch (error) {
    if (error instanceof AwsTransient) throw error;
    if (isNotFound(error, 'ExecutionDoesNotExist')) return { stale: true, state: 'no longer exists' };
    // Unsure is not stale: a lock is never taken from an execution that might still be running.
    return { stale: false, state: `is of unknown state (${(error as Error).message})` };
  }
}

async function refusal(ctx: StepContext, lock: Lock, holder: Holder): Promise<CutoverInProgress> {
  const locked = `Migration ${ctx.plan.migrationId} is locked by ${lock.owner} since ${lock.acquiredAt}, which ${holder.state}.`;
  if (!holder.stale) {
    return new CutoverInProgress(
      `${locked} Nothing was changed. Wait for it to end (\`cutover status ${lock.owner}\`), or stop it (\`cutover abort ${lock.owner}\`: its rollback then releases the lock).`,
    );
  }
  const left = (await listChanges(ctx.ledger)).filter(
    (c) => c.executionId === lock.owner && c.status !== 'restored',
  );
  const changes =
    left.length === 0
      ? 'It left no change that is not restored.'
      : `It left ${left.length} change(s) not restored (${left.map((c) => `${c.key} ${c.status}`).join(', ')}): to undo them, roll the migration back (\`cutover rollback --migration-id ${ctx.plan.migrationId} --stage STAGE\`), which also releases the lock.`;
  return new CutoverInProgress(
    `${locked} The lock is stale and nothing was changed. ${changes} To take the lock over instead, start again with --take-over-lock ${lock.owner} (the plan's "takeOverLockFrom").`,
  );
}

/**
 * One cutover per migration at a time. A lock whose holder no longer runs is stale: it is reported
 * as such, and taken over only when the plan names that holder in `takeOverLockFrom`.
 * A dry-run only reports who holds the lock.
 */
export async function takeLock(ctx: StepContext): Promise<LockResult> {
  const lock = await readLock(ctx.ledger);
  const other = lock?.status === 'held' && lock.owner !== ctx.executionId ? lock : undefined;
  if (ctx.plan.dryRun) {
    if (!other) return { acquired: false };
    return {
      acquired: false,
      heldBy: other.owner,
      ...((await holderOf(other)).stale ? { stale: true } : {}),
    };
  }
  if (other) {
    const holder = await holderOf(other);
    if (!holder.stale || ctx.plan.takeOverLockFrom !== other.owner) throw await refusal(ctx, other, holder);
    await takeOverLock(ctx.ledger, ctx.executionId, other.owner);
    await recordPlan(ctx.ledger, ctx.plan);
    return { acquired: true, tookOverFrom: other.owner };
  }
  const taken = await acquireLock(ctx.ledger, ctx.executionId, { lock });
  // Also on a retry: the attempt that took the lock may have died before recording the plan.
  if (taken.acquired || (await readPlan(ctx.ledger)) === undefined) await recordPlan(ctx.ledger, ctx.plan);
  return taken;
}
