import * as z from 'zod';

/** A change as a step reports it; PlanReport reads only these fields. */
const plannedChange = z.looseObject({
  key: z.string(),
  planned: z.boolean(),
  before: z.unknown(),
  after: z.unknown(),
});

/** What the dry-run branch collected, step by step, as PlanReport's input holds it; only preflight when it found problems. */
export const dryRunStateSchema = z.looseObject({
  /** AcquireLock's answer in a dry-run: who holds the lock, and whether that holder has ended. */
  lock: z.looseObject({ heldBy: z.string().optional(), stale: z.boolean().optional() }).optional(),
  preflight: z.looseObject({
    problems: z.array(z.string()),
    checks: z
      .array(z.object({ field: z.string(), check: z.string(), ok: z.boolean(), detail: z.string() }))
      .optional(),
  }),
  dnsPrep: z.looseObject({ lowered: z.boolean(), drainSeconds: z.number() }).optional(),
  freeze: z.looseObject({ changes: z.array(plannedChange) }).optional(),
  dnsSwitch: z
    .looseObject({ change: plannedChange, waitSeconds: z.number(), drift: z.array(z.string()).optional() })
    .optional(),
  services: z.looseObject({ changes: z.array(plannedChange) }).optional(),
});
export type DryRunState = z.infer<typeof dryRunStateSchema>;

/**
 * The dry-run's report: PlanReport's result (src/steps/plan-report.ts), the execution's `report`,
 * what `cutover plan` and `cutover status` print.
 */
export const dryRunReportSchema = z.object({
  migrationId: z.string(),
  ok: z.boolean(),
  problems: z.array(z.string()),
  /** The cutover of this migration that holds the lock and still runs. */
  runningCutover: z.string().optional(),
  preflight: z.array(z.object({ field: z.string(), check: z.string(), ok: z.boolean(), detail: z.string() })),
  drift: z.array(z.string()),
  changes: z.array(z.object({ resource: z.string(), before: z.unknown(), after: z.unknown() })),
  ttlDrainSeconds: z.number(),
  freezeWindowSeconds: z.number(),
});
export type DryRunReport = z.infer<typeof dryRunReportSchema>;
