import * as z from 'zod';
import { PlanInvalid } from '../errors.ts';
import { readPlan } from '../ledger/ledger.ts';
import { parsePlan, planIssues } from '../plan/schema.ts';
import { ledgerOf } from './context.ts';

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
  // The rule on a cutover that TIMED_OUT or was ABORTED passes the whole event (no Catch ran).
  z.object({
    cutoverEvent: z.object({
      detail: z.object({ executionArn: z.string().min(1), status: z.string(), input: z.string() }),
    }),
  }),
]);
export type RollbackStart = z.output<typeof rollbackStart>;

function normalise(start: RollbackStart) {
  if (!('cutoverEvent' in start)) return { ...start, dryRun: false };
  const { executionArn, status, input } = start.cutoverEvent.detail;
  const given: unknown = JSON.parse(input);
  // The weekly dry-run's input is { dryRunOf: plan }; stopping it matches the same rule.
  const dryRunOf = (given as { dryRunOf?: unknown } | null)?.dryRunOf;
  const plan = z
    .looseObject({
      migrationId: z.string().min(1),
      region: z.string().min(1),
      dryRun: z.boolean().optional(),
    })
    .safeParse(dryRunOf ?? given);
  if (!plan.success) throw new PlanInvalid(planIssues(plan.error));
  return {
    migrationId: plan.data.migrationId,
    region: plan.data.region,
    dryRun: dryRunOf !== undefined || plan.data.dryRun === true,
    cutoverExecutionId: executionArn,
    failure: {
      Error: `Cutover${status === 'TIMED_OUT' ? 'TimedOut' : 'Aborted'}`,
      Cause: `The cutover execution ${status}.`,
    },
  };
}

/**
 * The first state of a rollback: finds the migration's plan in the ledger, where AcquireLock put
 * it. A migration with no plan there never took the lock, so it changed nothing.
 */
export async function loadMigration(start: RollbackStart, executionId: string) {
  const { migrationId, region, cutoverExecutionId, failure: why, dryRun } = normalise(start);
  const common = { executionId, scope: cutoverExecutionId ?? null, failure: why ?? null };
  // A stopped dry-run changed nothing; its rollback must not read another execution's changes, nor alarm.
  if (dryRun) return { found: false, ...common };
  const stored = await readPlan(ledgerOf(migrationId, region));
  if (stored === undefined) return { found: false, ...common };
  return { found: true, plan: parsePlan(stored), ...common };
}
