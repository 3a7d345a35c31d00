import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

/** The one logger. Never log a trigger event, a password or a token. */
export const logger = new Logger({
  serviceName: 'cognito-cutover',
  logLevel: (process.env.LOG_LEVEL ?? 'INFO') as LogLevel,
});
