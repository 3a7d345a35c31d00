import { afterEach, describe, expect, it } from 'vitest';
import { stepContext } from '../../../src/steps/core/context.ts';
import { planWith } from '../aws-mocks.ts';

const EXECUTION = 'arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-prod-cutover:tis-run-1';
const table = process.env.LEDGER_TABLE;

afterEach(() => {
  if (table === undefined) delete process.env.LEDGER_TABLE;
  else process.env.LEDGER_TABLE = table;
});

describe('stepContext', () => {
  it("finds the migration's ledger in the table the function is deployed with", () => {
    // Arrange
    process.env.LEDGER_TABLE = 'cognito-cutover-prod-ledger';
    const plan = planWith();

    // Act
    const ctx = stepContext(plan, 'AcquireLock', EXECUTION);

    // Assert
    expect(ctx.ledger).toMatchObject({ table: 'cognito-cutover-prod-ledger', migrationId: plan.migrationId });
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
