import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadMachine } from '../../src/statemachines/definition.ts';
import { example } from '../fixtures/plans.ts';

// The functions the state machines invoke; the Cognito triggers take Cognito's events instead.
const names = [
  ...new Set(['cutover', 'rollback'].flatMap((machine) => Object.values(loadMachine(machine).functionOf))),
].sort();

beforeAll(() => {
  process.env.LEDGER_TABLE = 'cognito-cutover-test-ledger';
});

describe('task handlers', () => {
  it.each(
    names,
  )('%s rejects a malformed event with a named error the state machine can catch', async (name) => {
    // Arrange
    const { handler } = (await import(`../../handlers/${name}.ts`)) as {
      handler: (e: unknown) => Promise<unknown>;
    };

    // Act
    const outcome = handler({ plan: { migrationId: 42 } }).then(
      () => 'accepted',
      (error: Error) => error.name,
    );

    // Assert
    expect(await outcome).toBe('PlanInvalid');
  });

  it('loadMigration finds nothing to restore for a migration that never took the lock', async () => {
    // Arrange
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(GetItemCommand).resolves({});
    const { handler } = await import('../../handlers/loadMigration.ts');

    // Act
    const result = await handler({
      input: { migrationId: 'never-started', region: 'eu-west-2', cutoverExecutionId: 'exec-1' },
      executionId: 'rollback-1',
    });

    // Assert
    expect(result).toEqual({ found: false, executionId: 'rollback-1', scope: 'exec-1', failure: null });
    dynamo.restore();
  });

  describe('validatePlan on the weekly schedule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-plan-'));
    // A stage of 50 services, each with three bindings: far more than a schedule's 8,192 characters.
    const large = structuredClone(example);
    large.services = Array.from({ length: 50 }, (_, i) => ({
      name: `service-${i}`,
      bindings: [
        { kind: 'ssm-parameter', name: `/service-${i}/prod/cognito-user-pool-id` },
        { kind: 'secret', secretId: `service-${i}-cognito-prod`, jsonKey: 'userPoolId' },
        {
          kind: 'lambda-environment',
          functionName: `service-${i}-api`,
          variables: { USER_POOL_ID: '{{newPool.userPoolId}}' },
        },
      ],
    }));
    mkdirSync(join(dir, 'plans'));
    writeFileSync(join(dir, 'plans', 'prod.json'), JSON.stringify(large));

    beforeEach(() => {
      process.env.STAGE_PLAN = 'plans/prod.json';
      process.env.LAMBDA_TASK_ROOT = dir;
    });
    afterEach(() => {
      delete process.env.STAGE_PLAN;
      delete process.env.LAMBDA_TASK_ROOT;
    });

    it("reads the stage's plan from its package and runs it as a dry-run", async () => {
      // Arrange
      const { handler } = await import('../../handlers/validatePlan.ts');
      const scheduled = { dryRunOfStagePlan: 'plans/prod.json' };

      // Act
      const result = await handler({ input: scheduled, executionId: 'weekly' });

      // Assert
      expect(JSON.stringify(large).length).toBeGreaterThan(8192);
      expect(JSON.stringify(scheduled).length).toBeLessThan(100);
      expect(result.plan).toMatchObject({ migrationId: example.migrationId, dryRun: true });
      expect(result.plan.services).toHaveLength(50);
    });

    it('refuses any other file, naming the field and the fix', async () => {
      const { handler } = await import('../../handlers/validatePlan.ts');

      const failure = handler({ input: { dryRunOfStagePlan: '../../etc/passwd' }, executionId: 'weekly' });

      await expect(failure).rejects.toMatchObject({
        name: 'PlanInvalid',
        issues: [{ path: 'dryRunOfStagePlan', message: expect.stringContaining('name the stage') }],
      });
    });
  });

  it('loadMigration reads the migration from the event of a cutover that timed out', async () => {
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(GetItemCommand).resolves({});
    const { handler } = await import('../../handlers/loadMigration.ts');
    const detail = { executionArn: 'arn:exec:1', status: 'TIMED_OUT', input: JSON.stringify(example) };

    const result = await handler({ input: { cutoverEvent: { detail } }, executionId: 'rollback-1' });

    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, {
      Key: { pk: { S: example.migrationId }, sk: { S: 'PLAN' } },
    });
    expect(result).toMatchObject({ scope: 'arn:exec:1', failure: { Error: 'CutoverTimedOut' } });
    dynamo.restore();
  });

  it('loadMigration finds nothing for a cutover that FAILED on an input that is not a plan, and reads no ledger', async () => {
    const dynamo = mockClient(DynamoDBClient);
    const { handler } = await import('../../handlers/loadMigration.ts');
    const detail = { executionArn: 'arn:exec:2', status: 'FAILED', input: '{"migrationId":"m1"}' };

    const result = await handler({ input: { cutoverEvent: { detail } }, executionId: 'rollback-2' });

    expect(result).toMatchObject({ found: false });
    expect(dynamo).not.toHaveReceivedAnyCommand();
    dynamo.restore();
  });
});
