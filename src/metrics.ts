import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The one metrics instance: CloudWatch metrics written as EMF lines on stdout. Nothing wraps the
 * handlers to flush it, so whoever adds a metric publishes it at once (the invocation may be failing).
 * POWERTOOLS_METRICS_DISABLED=true turns it off (test/setup.ts sets it).
 */
export const metrics = new Metrics({
  namespace: 'CognitoCutover',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-cutover',
});
