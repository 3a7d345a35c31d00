import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger; its level comes from POWERTOOLS_LOG_LEVEL. Never log a trigger event, a
 * password, a token, or a resource's value (a secret's value is a secret).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-cutover' });

/** What ties a step's log lines together: the migration, the execution and the step. */
export interface Correlation {
  migrationId: string;
  /** The execution's ARN; its lines carry the execution's name. */
  executionId: string;
  step: string;
}

/**
 * Tags every line this invocation logs with its migration, execution and step. Called once where a
 * step's handler starts; the keys of an earlier invocation of the same warm function are dropped.
 */
export function correlate({ migrationId, executionId, step }: Correlation): void {
  logger.resetKeys();
  logger.appendKeys({ migrationId, execution: executionId.split(':').at(-1) ?? executionId, step });
}
