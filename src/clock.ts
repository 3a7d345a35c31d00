/**
 * The time every step reads. In AWS it is the wall clock; a rehearsal swaps in the sandbox's
 * virtual clock so that a one-hour health deadline passes in milliseconds.
 */
let source: () => number = Date.now;

export function now(): number {
  return source();
}

export function nowIso(): string {
  return new Date(source()).toISOString();
}

export function useClock(clock: (() => number) | undefined): void {
  source = clock ?? Date.now;
}
