/** Exit codes scripts rely on; `cutover --help` lists them. */
export const EXIT = {
  SUCCEEDED: 0,
  USAGE: 2,
  ROLLED_BACK: 3,
  OTHER: 4,
  PLAN_PROBLEMS: 5,
  /** A cutover (or rollback) of the same migration is already running. */
  BUSY: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad arguments or an invalid plan: exit 2, with what to type instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** How `--json` reports it: a plan that cannot be read is an INVALID_PLAN, anything else a USAGE_ERROR. */
  readonly status: 'USAGE_ERROR' | 'INVALID_PLAN';
  /** Each bad field of an invalid plan, for `--json`. */
  readonly errors: { path: string; message: string }[] | undefined;
  constructor(
    message: string,
    status: 'USAGE_ERROR' | 'INVALID_PLAN' = 'USAGE_ERROR',
    errors?: { path: string; message: string }[],
  ) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** A command that could not do its job; the message says what to do next. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.OTHER,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
