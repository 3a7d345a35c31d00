import { describe, expect, it } from 'vitest';
import { stepLogger } from '../../../src/steps/core/log.ts';
import { captureLogs } from '../../support/logs.ts';
import { context, planWith } from '../aws-mocks.ts';

const EXECUTION = 'arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-prod-cutover:tis-run-1';

describe('stepLogger', () => {
  it("tags every line a step logs with the migration, the execution's name and the step", () => {
    // Arrange
    const plan = planWith();
    const ctx = context(plan, EXECUTION, 'SwitchServices');
    const logs = captureLogs();

    // Act
    try {
      stepLogger(ctx).info('changed', { resource: 'ssm-parameter:/reval/prod/cognito-user-pool-id' });
      stepLogger(ctx).info('changed', { resource: 'secret:usermanagement-cognito-prod' });
    } finally {
      logs.restore();
    }

    // Assert
    const lines = logs.records().filter((r) => r.message === 'changed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        migrationId: plan.migrationId,
        execution: 'tis-run-1',
        step: 'SwitchServices',
      });
    }
  });

  it("drops an earlier invocation's step from the lines of the next", () => {
    // Arrange
    stepLogger(context(planWith(), EXECUTION, 'RestrictWrites')).info('changed', {});
    const logs = captureLogs();

    // Act
    try {
      stepLogger(context(planWith(), EXECUTION, 'ReleaseWrites')).info('restored', {});
    } finally {
      logs.restore();
    }

    // Assert
    expect(logs.records().find((r) => r.message === 'restored')).toMatchObject({ step: 'ReleaseWrites' });
  });
});
