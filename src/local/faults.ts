import { AccessDenied } from '../errors.ts';
import type { Sandbox } from '../sandbox/index.ts';
import type { AslState } from '../statemachines/definition.ts';

/**
 * fail: a named, non-retryable error after the state's work; timeout: the state runs past its
 * TimeoutSeconds (States.Timeout); throttle: its first two AWS calls are throttled; uncatchable:
 * the execution ends with an error no Retry or Catch handles (States.Runtime); function-timeout:
 * the first attempt runs past the function's own timeout, which Step Functions reports as
 * Sandbox.Timedout, not States.Timeout.
 */
export type FaultKind = 'fail' | 'timeout' | 'throttle' | 'uncatchable' | 'function-timeout';
export const FAULT_KINDS: readonly FaultKind[] = [
  'fail',
  'timeout',
  'throttle',
  'uncatchable',
  'function-timeout',
];
export interface Fault {
  state: string;
  kind: FaultKind;
}

/**
 * Where a task's function dies (out of memory, killed): at its first call that changes a resource,
 * `before` AWS gets it, or `after` AWS applied it and before the ledger records it as applied.
 */
export interface Crash {
  state: string;
  at: 'before' | 'after';
  /** How many attempts die (default 1). The state retries once, so 2 make the cutover roll back. */
  times?: number;
}

export function statesTimeout(): Error {
  return Object.assign(new Error('States.Timeout'), { name: 'States.Timeout' });
}

/**
 * An error that ends the execution whatever its Retry and Catch say: `States.ALL` matches neither
 * States.DataLimitExceeded nor States.Runtime
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). The local
 * engine reads `isRetryable` and `isCatchable` off the error.
 */
export function uncatchable(name: 'States.DataLimitExceeded' | 'States.Runtime', message: string): Error {
  return Object.assign(new Error(message), { name, isRetryable: false, isCatchable: false });
}

/**
 * Step Functions refuses a state input (after Parameters), a task result or a state output over
 * 256 KiB as UTF-8 (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
 * "Maximum input or output size for a task, state, or execution"), with States.DataLimitExceeded.
 */
export const PAYLOAD_QUOTA_BYTES = 262_144;

export function checkPayload(stateName: string, what: string, value: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
  if (bytes > PAYLOAD_QUOTA_BYTES) {
    throw uncatchable(
      'States.DataLimitExceeded',
      `The ${what} of ${stateName} is ${bytes} bytes, over the ${PAYLOAD_QUOTA_BYTES}-byte payload quota.`,
    );
  }
}

/** Where a fault strikes: the state (`key`, prefixed in a child machine) and its attempt. */
export interface FaultSite {
  key: string;
  state: AslState;
  attempt: number;
  /** The function's own timeout, from serverless.yml. */
  functionTimeoutSeconds: number;
}

/**
 * What `--fail STATE[:KIND]` does once the state's work is done: throws the error Step Functions
 * would have recorded, moving the sandbox's clock by the time it would have taken. `throttle`
 * acts before the work (`Sandbox.throttleNext`) and throws nothing here.
 */
export function strike(kind: FaultKind | undefined, site: FaultSite, sandbox: Sandbox): void {
  const { key } = site;
  if (kind === 'fail') throw new AccessDenied(`${key} failed (injected by --fail ${key})`);
  if (kind === 'timeout') {
    sandbox.clock.advance(site.state.TimeoutSeconds ?? 60);
    throw statesTimeout();
  }
  if (kind === 'uncatchable') {
    throw uncatchable(
      'States.Runtime',
      `${key} ended the execution with an error no Retry or Catch handles (injected by --fail ${key}:uncatchable).`,
    );
  }
  if (kind === 'function-timeout' && site.attempt === 1) {
    const seconds = site.functionTimeoutSeconds;
    sandbox.clock.advance(seconds);
    throw Object.assign(
      new Error(`RequestId: rehearsal Error: Task timed out after ${seconds.toFixed(2)} seconds`),
      { name: 'Sandbox.Timedout' },
    );
  }
}
