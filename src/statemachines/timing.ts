import type { AslState } from './definition.ts';
import { atPath } from './json-path.ts';

/** The seconds a Wait state waits, from its `Seconds` or its `SecondsPath` into the state's input; null when not known. */
export function waitSeconds(state: AslState | undefined, input: unknown): number | null {
  if (state?.Type !== 'Wait') return null;
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (typeof state.SecondsPath !== 'string') return null;
  const value = atPath(input, state.SecondsPath);
  return typeof value === 'number' ? value : null;
}

/**
 * The seconds Step Functions waits before the `attempt`th retry (1 for the first) under a retrier:
 * IntervalSeconds (default 1) times BackoffRate (default 2) to the power attempt − 1, capped at
 * MaxDelaySeconds. With JitterStrategy FULL it waits a random share of that; a rehearsal takes the
 * mean, half of it, so its timeline is the same every run
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error).
 */
export function retryDelaySeconds(retrier: AslState['Retry'][number], attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (attempt - 1);
  const capped = Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  return retrier.JitterStrategy === 'FULL' ? capped / 2 : capped;
}
