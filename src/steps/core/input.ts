import * as z from 'zod';
import { PlanInvalid } from '../../errors.ts';
import { planIssues, planSchema } from '../../plan/schema.ts';
import { type StepContext, stepContext } from './context.ts';

/** What every task receives from the state machine: the validated plan and the execution's id. */
export const executionState = z.looseObject({ plan: planSchema, executionId: z.string().min(1) });

/** Parses a task's input; a malformed one is named field by field, like a bad plan. */
export function parseInput<S extends z.ZodType>(schema: S, event: unknown): z.output<S> {
  const result = schema.safeParse(event);
  if (!result.success) throw new PlanInvalid(planIssues(result.error));
  return result.data;
}

/** The step context for a task that receives the whole execution state. */
export function contextFrom(event: unknown, step: string): StepContext {
  const { plan, executionId } = parseInput(executionState, event);
  return stepContext(plan, step, executionId);
}
