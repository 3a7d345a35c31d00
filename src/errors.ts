/**
 * Every error a task can raise. Each `name` is the exact string the state machines use in
 * `ErrorEquals`, so renaming one is a breaking change to the ASL (test/errors.test.ts pins them).
 */

abstract class CutoverError extends Error {
  abstract override readonly name: string;
}

export interface PlanIssue {
  path: string;
  message: string;
}

/** The plan failed validation; `issues` names every bad field by path. Never retried. */
export class PlanInvalid extends CutoverError {
  override readonly name = 'PlanInvalid';
  constructor(readonly issues: PlanIssue[]) {
    super(`The plan is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

/** Another execution holds the migration lock. Never retried: two cutovers must not interleave. */
export class CutoverInProgress extends CutoverError {
  override readonly name = 'CutoverInProgress';
}

/** A preflight check found something that would make the cutover fail. */
export class PreflightFailed extends CutoverError {
  override readonly name = 'PreflightFailed';
  constructor(readonly problems: string[]) {
    super(`Preflight found ${problems.length} problem(s): ${problems.join(' | ')}`);
  }
}

/** A resource the plan names does not exist. */
export class ResourceNotFound extends CutoverError {
  override readonly name = 'ResourceNotFound';
}

/** AWS refused the call for lack of permission. Retrying will not help; the fix is IAM. */
export class AccessDenied extends CutoverError {
  override readonly name = 'AccessDenied';
}

/**
 * AWS throttled the call, failed inside (5xx), timed out, or refused it while an earlier update is
 * still in progress: it passes. Retried with backoff by the state machine.
 */
export class AwsTransient extends CutoverError {
  override readonly name = 'AwsTransient';
}

/** Any other AWS failure, with the service's error as `cause`. */
export class AwsCallFailed extends CutoverError {
  override readonly name = 'AwsCallFailed';
}

/** The ledger changed under us (a conditional write lost), so the step must not guess. */
export class LedgerConflict extends CutoverError {
  override readonly name = 'LedgerConflict';
}

/** Route 53 did not report INSYNC within the allowed polls. */
export class DnsNotInSync extends CutoverError {
  override readonly name = 'DnsNotInSync';
}

/** A redeployed service did not become stable within the allowed polls. */
export class ServiceNotStable extends CutoverError {
  override readonly name = 'ServiceNotStable';
}

/** The health gate's deadline passed before `requiredPasses` checks in a row passed. */
export class HealthDeadlineExceeded extends CutoverError {
  override readonly name = 'HealthDeadlineExceeded';
}

/**
 * While the grace window was open, `requiredPasses` health polls in a row failed: the cutover rolls
 * back, and the old pool is again the only one trusted.
 */
export class UnhealthyInGraceWindow extends CutoverError {
  override readonly name = 'UnhealthyInGraceWindow';
}

/**
 * An operator said no-go: `aws stepfunctions send-task-failure --error ApprovalRejected`. The
 * cutover undoes what it prepared (the lowered TTL) and ends.
 */
export class ApprovalRejected extends CutoverError {
  override readonly name = 'ApprovalRejected';
}

/** Configuration (environment) is missing or malformed; raised at load or as the handler starts, before any work. */
export class ConfigInvalid extends CutoverError {
  override readonly name = 'ConfigInvalid';
}

/**
 * The old user pool refused the migration function itself (IAM, app client auth flows, a missing
 * pool or client, throttling). Raised by the UserMigration trigger; the message names the fix.
 */
export class MigrationMisconfigured extends CutoverError {
  override readonly name = 'MigrationMisconfigured';
}

/**
 * A Cognito trigger received an event without the fields it reads (a function wired to the wrong
 * trigger, or a changed event format). The message names each field by path; it never quotes the
 * event, which can carry a password.
 */
export class TriggerEventInvalid extends CutoverError {
  override readonly name = 'TriggerEventInvalid';
}

/**
 * The sweep was asked to move users before the plan's `finish.sweepAfter` (or with none set); a
 * dry-run runs any time. The message names the time and how to count instead.
 */
export class SweepNotDue extends CutoverError {
  override readonly name = 'SweepNotDue';
}

/**
 * More of a shard's users were refused by the new pool than the sweep tolerates: something is wrong
 * with all of them (the schema, say), so it stops rather than fail the rest one by one. A sweep run
 * again after the fix skips those already moved.
 */
export class SweepFailing extends CutoverError {
  override readonly name = 'SweepFailing';
}

/** Errors the state machine never retries: retrying cannot change the outcome. */
export const NON_RETRYABLE = [
  'PlanInvalid',
  'CutoverInProgress',
  'PreflightFailed',
  'ResourceNotFound',
  'AccessDenied',
  'AwsCallFailed',
  'LedgerConflict',
  'ConfigInvalid',
  'DnsNotInSync',
  'ServiceNotStable',
  'HealthDeadlineExceeded',
  'UnhealthyInGraceWindow',
  'ApprovalRejected',
] as const;

/** Errors a Cognito trigger raises to Cognito; no state machine sees them. */
export const TRIGGER_ERRORS = ['MigrationMisconfigured', 'TriggerEventInvalid'] as const;

/** Errors only the sweep state machine sees; it never retries them. */
export const SWEEP_ERRORS = ['SweepNotDue', 'SweepFailing'] as const;

/** Errors the state machine retries with backoff and jitter. */
export const RETRYABLE = ['AwsTransient'] as const;

export const ALL_ERROR_CLASSES = {
  PlanInvalid,
  CutoverInProgress,
  PreflightFailed,
  ResourceNotFound,
  AccessDenied,
  AwsTransient,
  AwsCallFailed,
  LedgerConflict,
  DnsNotInSync,
  ServiceNotStable,
  HealthDeadlineExceeded,
  UnhealthyInGraceWindow,
  ApprovalRejected,
  ConfigInvalid,
  MigrationMisconfigured,
  TriggerEventInvalid,
  SweepNotDue,
  SweepFailing,
} as const;
