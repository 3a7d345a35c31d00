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
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Plan ${file} is not valid JSON: ${(error as Error).message}. Fix the JSON, then run again.`,
    );
  }
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
