import type { Logger } from '@aws-lambda-powertools/logger';
import { logger } from '../../logger.ts';

/** What ties a step's log lines together: its migration, its execution and its name. */
export interface Correlated {
  plan: { migrationId: string };
  /** The execution's ARN; its lines carry the execution's name. */
  executionId: string;
  step: string;
}

let tagged: Correlated | undefined;

/**
 * The logger, every line of it tagged with the step's migration, execution and step. A step's
 * context is made once where its handler starts, so the keys are appended once per invocation
 * (those of an earlier invocation of the same warm function dropped), and only by functions that
 * log: the others do not load the logger at all.
 */
export function stepLogger(ctx: Correlated): Logger {
  if (tagged !== ctx) {
    logger.resetKeys();
    logger.appendKeys({
      migrationId: ctx.plan.migrationId,
      execution: ctx.executionId.split(':').at(-1) ?? ctx.executionId,
      step: ctx.step,
    });
    tagged = ctx;
  }
  return logger;
}
