import * as z from 'zod';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { type DryRunState, planReport } from '../src/steps/plan-report.ts';

const change = z.looseObject({
  key: z.string(),
  planned: z.boolean(),
  before: z.unknown(),
  after: z.unknown(),
});
const input = z.looseObject({
  lock: z.looseObject({ heldBy: z.string().optional(), stale: z.boolean().optional() }).optional(),
  preflight: z.looseObject({
    problems: z.array(z.string()),
    checks: z
      .array(z.object({ field: z.string(), check: z.string(), ok: z.boolean(), detail: z.string() }))
      .optional(),
  }),
  dnsPrep: z.looseObject({ lowered: z.boolean(), drainSeconds: z.number() }).optional(),
  freeze: z.looseObject({ changes: z.array(change) }).optional(),
  dnsSwitch: z.looseObject({ change, waitSeconds: z.number() }).optional(),
  services: z.looseObject({ changes: z.array(change) }).optional(),
});

export const handler = async (event: unknown) =>
  planReport(contextFrom(event, 'PlanReport'), parseInput(input, event) as unknown as DryRunState);
