import { dryRunStateSchema } from '../src/plan/dry-run.ts';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { planReport } from '../src/steps/plan-report.ts';

export const handler = async (event: unknown) =>
  planReport(contextFrom(event, 'PlanReport'), parseInput(dryRunStateSchema, event));
