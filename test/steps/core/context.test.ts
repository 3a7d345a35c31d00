import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '../../../src/logger.ts';
import { stepContext } from '../../../src/steps/core/context.ts';
import { captureLogs } from '../../support/logs.ts';
import { planWith } from '../aws-mocks.ts';

const EXECUTION = 'arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-prod-cutover:tis-run-1';
const table = process.env.LEDGER_TABLE;

afterEach(() => {
  if (table === undefined) delete process.env.LEDGER_TABLE;
  else process.env.LEDGER_TABLE = table;
});

describe('stepContext', () => {
  it("tags every line the step logs with the migration, the execution's name and the step", () => {
    // Arrange
    process.env.LEDGER_TABLE = 'cutover-ledger';
    const plan = planWith();
    const logs = captureLogs();

    // Act
    try {
      stepContext(plan, 'SwitchServices', EXECUTION);
      logger.info('changed', { resource: 'ssm-parameter:/reval/prod/cognito-user-pool-id' });
    } finally {
      logs.restore();
    }

    // Assert
    expect(logs.records().find((r) => r.message === 'changed')).toMatchObject({
      migrationId: plan.migrationId,
      execution: 'tis-run-1',
      step: 'SwitchServices',
      resource: 'ssm-parameter:/reval/prod/cognito-user-pool-id',
    });
  });

  it("drops an earlier invocation's step from the lines of the next", () => {
    // Arrange
    process.env.LEDGER_TABLE = 'cutover-ledger';
    const plan = planWith();
    stepContext(plan, 'RestrictWrites', EXECUTION);
    const logs = captureLogs();

    // Act
    try {
      stepContext(plan, 'ReleaseWrites', EXECUTION);
      logger.info('restored', { resource: 'apigateway-policy:um0api1234' });
    } finally {
      logs.restore();
    }

    // Assert
    expect(logs.records().find((r) => r.message === 'restored')).toMatchObject({ step: 'ReleaseWrites' });
  });

  it('names the missing LEDGER_TABLE as the handler starts, before any work', () => {
    // Arrange
    process.env.LEDGER_TABLE = '';

    // Act / Assert
    expect(() => stepContext(planWith(), 'AcquireLock', EXECUTION)).toThrow(
      expect.objectContaining({
        name: 'ConfigInvalid',
        message: 'Environment variable LEDGER_TABLE is not set: set it in serverless.yml.',
      }),
    );
  });
});
