import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { ACCOUNT, cutover, REGION, START, sfn } from './aws.ts';

const PLAN = 'examples/plan.json';
const SWEEP_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:cognito-cutover-dev-sweep`;

/** The dev stage's sweep machine, as ListStateMachines finds it. */
function sweepDeployed(): void {
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'cognito-cutover-dev-sweep',
        stateMachineArn: SWEEP_MACHINE,
        type: 'STANDARD',
        creationDate: START,
      },
    ],
  });
}

beforeEach(() => {
  sfn.reset();
});

describe('cutover sweep in the sandbox', () => {
  it('rehearses a sweep and reports what it moved against the quota, as JSON', async () => {
    // Act
    const { code, stdout } = await cutover(['sweep', '--plan', PLAN, '--users', '1000', '--json']);

    // Assert
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ status: 'SUCCEEDED', dryRun: false, quotaPerSecond: 50, users: 1025 });
    expect(report.moved + report.alreadyInNewPool + report.failed + report.skipped).toBe(1025);
    expect(report.usersPerSecond).toBeGreaterThan(0);
    expect(report.usersPerSecond).toBeLessThanOrEqual(50);
  });

  it('names the command that lists who it did not move, and that command runs as printed', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const swept = await cutover(['sweep', '--plan', PLAN, '--users', '1000', '--state-dir', dir]);
    const WHO = 'Who was not moved, and why: cutover ';
    const line = swept.stdout.split('\n').find((l) => l.startsWith(WHO)) ?? '';

    // Act
    const listed = await cutover(line.slice(WHO.length).split(' '));

    // Assert
    expect(line).toContain(`--plan ${PLAN} --state-dir ${dir}`);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('refused');
  });

  it('says where to run it when neither --plan nor --stage is given, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover(['sweep']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('Give --plan FILE');
  });

  it('refuses a pool of users it cannot rehearse, naming the range', async () => {
    // Act
    const { code, stderr } = await cutover(['sweep', '--plan', PLAN, '--users', '0']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('from 1 to 2000000');
  });
});

describe('cutover sweep --announce', () => {
  it('tells users once per cut-off, and says what to run after it', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'sweep-announce-'));
    const first = await cutover(['sweep', '--announce', '--plan', PLAN, '--state-dir', dir]);

    // Act
    const again = await cutover(['sweep', '--announce', '--plan', PLAN, '--state-dir', dir, '--json']);

    // Assert
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Told users that accounts not signed in move after 2026-03-01T00:00:00Z.');
    expect(first.stdout).toContain(
      `Next, after 2026-03-01T00:00:00Z: cutover sweep --plan ${PLAN} --state-dir ${dir}`,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ announced: false, sweepAfter: '2026-03-01T00:00:00Z' });
  });

  it('refuses a cut-off too close to warn users in time, naming the earliest date to set', async () => {
    // Arrange: the sandbox's clock starts on 2026-01-15; the plan asks for 14 days' notice.
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    plan.finish.sweepAfter = '2026-01-20T00:00:00Z';
    const file = join(mkdtempSync(join(tmpdir(), 'sweep-plan-')), 'plan.json');
    writeFileSync(file, JSON.stringify(plan));

    // Act
    const { code, stderr } = await cutover(['sweep', '--announce', '--plan', file]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('set it to 2026-01-29T09:00:00.000Z or later');
  });
});

describe('cutover sweep --stage', () => {
  it("starts the stage's sweep machine with the stage's plan, and says how to list who it could not move", async () => {
    // Arrange
    sweepDeployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SWEEP_MACHINE}:x`, startDate: START });

    // Act
    const { code, stdout } = await cutover(['sweep', '--stage', 'dev', '--region', REGION, '--dry-run']);

    // Assert
    expect(code).toBe(0);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.dryRun).toBe(true);
    expect(input.plan.migrationId).toBe('tis-prod-pool-v1-to-v2');
    expect(stdout).toContain('Started the dry-run of the sweep');
    expect(stdout).toContain('cutover sweep --failures');
  });

  it('refuses to start a second sweep while one runs, naming it, and exits 6', async () => {
    // Arrange
    sweepDeployed();
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: `${SWEEP_MACHINE}:running`,
          stateMachineArn: SWEEP_MACHINE,
          name: 'running',
          status: 'RUNNING',
          startDate: START,
        },
      ],
    });

    // Act
    const { code, stderr } = await cutover(['sweep', '--stage', 'dev', '--region', REGION]);

    // Assert
    expect(code).toBe(6);
    expect(stderr).toContain(`${SWEEP_MACHINE}:running`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("lists who a sweep did not move, and why, from the stage's ledger", async () => {
    // Arrange: only this test stands in for DynamoDB; the others' sandbox has its own ledger.
    const dynamo = mockClient(DynamoDBClient);
    onTestFinished(() => dynamo.restore());
    dynamo.on(QueryCommand).resolves({
      Items: [
        marshall({
          pk: 'tis-prod-pool-v1-to-v2',
          sk: 'SWEPT#s1#jane@example.org',
          sweepId: 's1',
          username: 'jane@example.org',
          outcome: 'refused',
          reason: 'user.custom:employee_id: Attribute does not exist in the schema.',
        }),
      ],
    });

    // Act
    const { code, stdout } = await cutover(['sweep', '--failures', '--stage', 'dev', '--region', REGION]);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toContain('1 user(s) the sweep did not move whole:');
    expect(stdout).toMatch(/jane@example\.org\s+refused\s+user\.custom:employee_id/);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.TableName).toBe('cognito-cutover-dev-ledger');
  });
});
