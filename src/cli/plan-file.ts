import { readFileSync } from 'node:fs';
import { type Plan, planIssues, planSchema } from '../plan/schema.ts';
import { UsageError } from './exit.ts';
import type { Io } from './io.ts';
import { isObject } from './stepfunctions.ts';

export function readPlan(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read plan ${file}: ${(error as Error).message}. Give the path of a JSON plan.`,
      'INVALID_PLAN',
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Plan ${file} is not valid JSON: ${(error as Error).message}. Fix the JSON, then run again.`,
      'INVALID_PLAN',
    );
  }
}

/**
 * The plan when it is valid; otherwise a usage error naming each bad field as `validate` prints
 * them, which `--json` reports as an INVALID_PLAN with the fields as its errors.
 */
export function validPlan(file: string, raw: unknown): Plan {
  const result = planSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = planIssues(result.error);
  throw new UsageError(
    issues.map((i) => `${file}: ${i.path}: ${i.message}`).join('\n'),
    'INVALID_PLAN',
    issues,
  );
}

/** The plan when it is valid; otherwise null, each bad field on stderr as `validate` prints it. */
export function checkedPlan(file: string, raw: unknown, io: Io): Plan | null {
  const result = planSchema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of planIssues(result.error)) io.err(`${file}: ${issue.path}: ${issue.message}\n`);
  return null;
}

/** The plan as an execution's input, asking AcquireLock to take a stale lock over from `holder`. */
export function withTakeOver(raw: unknown, holder: string | undefined): unknown {
  return holder && isObject(raw) ? { ...raw, takeOverLockFrom: holder } : raw;
}
