import * as z from 'zod';
import { readPlan } from '../ledger/plan.ts';
import { parsePlan, planSchema } from '../plan/schema.ts';
import { ledgerOf } from './core/context.ts';
import { planInput } from './validate-plan.ts';

const failure = z.object({ Error: z.string().optional(), Cause: z.string().optional() });

/** How a rollback is started: by a failed cutover or an operator, or by EventBridge's event. */
export const rollbackStart = z.union([
  z.object({
    migrationId: z.string().min(1),
    region: z.string().min(1),
    /** Set when a cutover's failure started the rollback: only that execution's changes are undone. */
    cutoverExecutionId: z.string().min(1).optional(),
    failure: failure.optional(),
  }),
  // The rule on a cutover that FAILED, TIMED_OUT or was ABORTED passes the whole event.
  z.object({
    cutoverEvent: z.object({
      detail: z.object({ executionArn: z.string().min(1), status: z.string(), input: z.string() }),
    }),
  }),
]);
export type RollbackStart = z.output<typeof rollbackStart>;

const ENDED = {
  TIMED_OUT: { Error: 'CutoverTimedOut', Cause: 'The cutover execution TIMED_OUT.' },
  ABORTED: { Error: 'CutoverAborted', Cause: 'The cutover execution ABORTED.' },
  FAILED: {
    Error: 'CutoverFailed',
    Cause:
      'The cutover execution FAILED: with an error no Catch handles (such as States.DataLimitExceeded or States.Runtime), or after its own rollback.',
  },
} as const;

/** What a rollback is asked to undo; null when the execution it names cannot have changed anything. */
function normalise(start: RollbackStart) {
  if (!('cutoverEvent' in start)) return { ...start, dryRun: false };
  const { executionArn, status, input } = start.cutoverEvent.detail;
  let given: unknown;
  try {
    given = JSON.parse(input);
  } catch {
    return null;
  }
  // An input that is not a valid plan stopped in ValidatePlan, before anything was touched.
  const plan = planSchema.safeParse(planInput(given));
  if (!plan.success) return null;
  return {
    migrationId: plan.data.migrationId,
    region: plan.data.region,
    // A dry-run ({ dryRunOf: plan } or the plan's own dryRun) that stops matches the same rule; the
    // schedule's { dryRunOfStagePlan } is no plan, so it finds nothing above.
    dryRun: plan.data.dryRun,
    cutoverExecutionId: executionArn,
    failure: ENDED[status as keyof typeof ENDED] ?? {
      Error: 'CutoverStopped',
      Cause: `The cutover execution ended ${status}.`,
    },
  };
}

/**
 * The first state of a rollback: finds the migration's plan in the ledger, where AcquireLock put
 * it. A migration with no plan there never took the lock, so it changed nothing.
 */
export async function loadMigration(start: RollbackStart, executionId: string) {
  const started = normalise(start);
  if (started === null) return { found: false, executionId, scope: null, failure: null };
  const { migrationId, region, cutoverExecutionId, failure: why, dryRun } = started;
  const common = { executionId, scope: cutoverExecutionId ?? null, failure: why ?? null };
  // A stopped dry-run changed nothing; its rollback must not read another execution's changes, nor alarm.
  if (dryRun) return { found: false, ...common };
  const stored = await readPlan(ledgerOf(migrationId, region));
  if (stored === undefined) return { found: false, ...common };
  return { found: true, plan: parsePlan(stored), ...common };
}
