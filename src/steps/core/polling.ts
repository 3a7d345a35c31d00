import { now } from '../../clock.ts';

/** Seconds since an ISO time, on the step clock. Polling loops use it to give up after a limit. */
export function elapsedSince(iso: string): number {
  return (now() - Date.parse(iso)) / 1000;
}
