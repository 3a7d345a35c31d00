import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger; its level comes from POWERTOOLS_LOG_LEVEL. Never log a trigger event, a
 * password, a token, or a resource's value (a secret's value is a secret).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-cutover' });
