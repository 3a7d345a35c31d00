import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { example } from '../fixtures/plans.ts';
import {
  CUTOVER_MACHINE,
  cutover,
  deployed,
  EXECUTION,
  history,
  REGION,
  ROLLBACK_MACHINE,
  START,
  serve,
  sfn,
} from './aws.ts';

const ROLLBACK = `${ROLLBACK_MACHINE.replace(':stateMachine:', ':execution:')}:tis-prod-pool-v1-to-v2-rollback-20250310T073000Z`;
const DRY_RUN = `${CUTOVER_MACHINE.replace(':stateMachine:', ':execution:')}:tis-prod-pool-v1-to-v2-dryrun-20250310T073000Z`;

beforeEach(() => {
  sfn.reset();
});

describe('cutover abort', () => {
  it('on a terminal, says what it stops and stops nothing unless the answer is yes', async () => {
    // Arrange
    const fixture = history('running');
    serve(fixture);
    sfn.on(StopExecutionCommand).resolves({ stopDate: fixture.now });

    // Act
    const { code, stderr } = await cutover(['abort', EXECUTION], { answer: 'n' });

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(
      'This stops tis-prod-pool-v1-to-v2-20250310T073000Z (tis-prod-pool-v1-to-v2), now in',
    );
    expect(stderr).toContain('Cancelled (answered "n"): nothing was done.');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });

  it('stops the execution with the reason and says the rollback starts by itself, and how to watch it', async () => {
    // Arrange
    const fixture = history('running');
    serve(fixture);
    sfn.on(StopExecutionCommand).resolves({ stopDate: fixture.now });

    // Act
    const { code, stdout } = await cutover([
      'abort',
      '--yes',
      EXECUTION,
      '--reason',
      'Reval errors after the switch',
    ]);

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: EXECUTION,
      error: 'CutoverAborted',
      cause: 'Reval errors after the switch',
    });
    expect(stdout).toContain('the EventBridge rule RollbackWhenCutoverStops starts the rollback by itself');
    expect(stdout).toContain(
      `Watch the rollback: cutover status --rollback --stage prod --region ${REGION} --watch`,
    );
  });

  it('refuses a cutover that is already in its Rollback state, exit 4', async () => {
    // Arrange: the rolled-back fixture as it stood while its Rollback state waited for the child.
    const ended = history('rolled-back');
    const submitted = ended.events.findIndex(
      (e) => e.type === 'TaskSubmitted' && e.taskSubmittedEventDetails?.resource === 'startExecution.sync:2',
    );
    const { stopDate: _stop, error: _error, cause: _cause, ...execution } = ended.execution;
    serve({
      ...ended,
      execution: { ...execution, status: 'RUNNING' },
      events: ended.events.slice(0, submitted + 1),
    });

    // Act
    const { code, stderr } = await cutover(['abort', '--yes', EXECUTION]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('is already rolling back (in Rollback, after AccessDenied in SwitchServices)');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });

  it('never stops a rollback, exit 4', async () => {
    // Act
    const { code, stderr } = await cutover(['abort', '--yes', ROLLBACK]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('is a rollback: stopping it would leave changes half-restored');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });

  it('refuses an execution that has ended, exit 4', async () => {
    // Arrange
    serve(history('succeeded'));

    // Act
    const { code, stderr } = await cutover(['abort', '--yes', EXECUTION]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('is not running: it ended SUCCEEDED');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });
});

describe('cutover rollback --stage', () => {
  it('starts the rollback machine with the migration and region, warning that it restores the whole migration', async () => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: ROLLBACK, startDate: START });

    // Act
    const { code, stdout, stderr } = await cutover([
      'rollback',
      '--yes',
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--stage',
      'prod',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: ROLLBACK_MACHINE,
      name: 'tis-prod-pool-v1-to-v2-rollback-20250310T073000Z',
      input: JSON.stringify({ migrationId: 'tis-prod-pool-v1-to-v2', region: REGION }),
    });
    expect(stderr).toContain('restores EVERY change of tis-prod-pool-v1-to-v2');
    expect(stderr).toContain('releases the migration lock whoever holds it');
    expect(stdout).toContain(`Execution  ${ROLLBACK}`);
    expect(stdout).toContain(
      `https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${ROLLBACK}`,
    );
  });

  it('refuses while a cutover of the migration runs, pointing at abort instead, exit 6', async () => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(ListExecutionsCommand, { stateMachineArn: CUTOVER_MACHINE, statusFilter: 'RUNNING' }).resolves({
      executions: [
        {
          executionArn: EXECUTION,
          stateMachineArn: CUTOVER_MACHINE,
          name: 'x',
          status: 'RUNNING',
          startDate: START,
        },
      ],
    });
    sfn.on(DescribeExecutionCommand, { executionArn: EXECUTION }).resolves({
      executionArn: EXECUTION,
      status: 'RUNNING',
      input: JSON.stringify(example),
    });

    // Act
    const { code, stderr } = await cutover([
      'rollback',
      '--yes',
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--stage',
      'prod',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(6);
    expect(stderr).toContain(`Abort it instead: cutover abort ${EXECUTION}`);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('refuses sandbox-only flags with --stage, exit 2', async () => {
    // Act
    const { code, stderr } = await cutover([
      'rollback',
      '--yes',
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--stage',
      'prod',
      '--state-dir',
      '.rehearsal',
    ]);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('--state-dir: only for the sandbox (without --stage)');
  });
});

/** The dry-run's report as the PlanReport state returns it (src/steps/plan-report.ts). */
function report(ok: boolean) {
  return {
    migrationId: 'tis-prod-pool-v1-to-v2',
    ok,
    problems: ok
      ? []
      : [
          'cognito-idp.amazonaws.com may not invoke cognito-cutover-prod-userMigration: run aws lambda add-permission ...',
        ],
    preflight: [],
    drift: [],
    changes: [
      {
        resource: 'ssm-parameter:/reval/prod/cognito-user-pool-id',
        before: { value: 'eu-west-2_OldPool01' },
        after: { value: 'eu-west-2_NewPool01' },
      },
    ],
    ttlDrainSeconds: 0,
    freezeWindowSeconds: 180,
  };
}

describe('cutover plan --stage', () => {
  it("runs the stage's plan as a dry-run on AWS, polls until it ends, prints its report, exit 0", async () => {
    // Arrange
    deployed();
    sfn.on(StartExecutionCommand).resolves({ executionArn: DRY_RUN, startDate: START });
    sfn
      .on(DescribeExecutionCommand, { executionArn: DRY_RUN })
      .resolvesOnce({ executionArn: DRY_RUN, status: 'RUNNING' })
      .resolves({
        executionArn: DRY_RUN,
        status: 'SUCCEEDED',
        output: JSON.stringify({ report: report(true) }),
      });

    // Act
    const { code, stdout, sleeps } = await cutover([
      'plan',
      '--stage',
      'prod',
      '--plan',
      'examples/plan.json',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: CUTOVER_MACHINE,
      name: 'tis-prod-pool-v1-to-v2-dryrun-20250310T073000Z',
      input: JSON.stringify({ dryRunOf: example }),
    });
    expect(sleeps).toEqual([2000]);
    expect(stdout).toContain(`Execution  ${DRY_RUN}`);
    expect(stdout).toMatch(/^Dry-run of tis-prod-pool-v1-to-v2: the plan holds$/m);
    expect(stdout).toMatch(/^Writes would be frozen for about 180 s\.$/m);
  });

  it('exits 5 with each problem when the dry-run finds them', async () => {
    // Arrange
    deployed();
    sfn.on(StartExecutionCommand).resolves({ executionArn: DRY_RUN, startDate: START });
    sfn.on(DescribeExecutionCommand, { executionArn: DRY_RUN }).resolves({
      executionArn: DRY_RUN,
      status: 'SUCCEEDED',
      output: JSON.stringify({ report: report(false) }),
    });

    // Act
    const { code, stdout } = await cutover([
      'plan',
      '--stage',
      'prod',
      '--plan',
      'examples/plan.json',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(5);
    expect(stdout).toMatch(/^ {2}Problem: cognito-idp\.amazonaws\.com may not invoke/m);
    expect(stdout).toMatch(/^Next: fix each problem above, then run the dry-run again\.$/m);
  });

  it("defaults to the stage's own plan, plans/<stage>.json", async () => {
    // Arrange
    sfn.on(StartExecutionCommand).resolves({ executionArn: DRY_RUN, startDate: START });
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify({ report: report(true) }) });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const { ListStateMachinesCommand } = await import('@aws-sdk/client-sfn');
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        {
          name: 'cognito-cutover-dev-cutover',
          stateMachineArn: `${CUTOVER_MACHINE}-dev`,
          type: 'STANDARD',
          creationDate: START,
        },
      ],
    });

    // Act
    const { code, stdout } = await cutover(['plan', '--stage', 'dev', '--region', REGION]);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toContain('(plans/dev.json) started on cognito-cutover-dev-cutover');
  });

  it('shows where the dry-run failed, exit 4', async () => {
    // Arrange: a dry-run that failed in PlanDns.
    deployed();
    const t = (s: number) => new Date(START.getTime() + s * 1000);
    sfn.on(StartExecutionCommand).resolves({ executionArn: DRY_RUN, startDate: START });
    sfn.on(DescribeExecutionCommand, { executionArn: DRY_RUN }).resolves({
      executionArn: DRY_RUN,
      status: 'FAILED',
      startDate: START,
      stopDate: t(9),
      input: JSON.stringify({ dryRunOf: example }),
      error: 'DryRunFailed',
    });
    sfn.on(GetExecutionHistoryCommand, { executionArn: DRY_RUN }).resolves({
      events: [
        {
          id: 1,
          previousEventId: 0,
          timestamp: t(0),
          type: 'ExecutionStarted',
          executionStartedEventDetails: { input: JSON.stringify({ dryRunOf: example }) },
        },
        {
          id: 2,
          previousEventId: 1,
          timestamp: t(8),
          type: 'TaskStateEntered',
          stateEnteredEventDetails: { name: 'PlanDns', input: '{}' },
        },
        {
          id: 3,
          previousEventId: 2,
          timestamp: t(8),
          type: 'LambdaFunctionScheduled',
          lambdaFunctionScheduledEventDetails: {
            resource: 'arn:aws:lambda:eu-west-2:123456789012:function:cognito-cutover-prod-prepareDns',
          },
        },
        {
          id: 4,
          previousEventId: 3,
          timestamp: t(9),
          type: 'LambdaFunctionFailed',
          lambdaFunctionFailedEventDetails: {
            error: 'ResourceNotFound',
            cause: JSON.stringify({
              errorType: 'ResourceNotFound',
              errorMessage: 'reading record admin.tis.example.org A: NoSuchHostedZone',
            }),
          },
        },
        {
          id: 5,
          previousEventId: 4,
          timestamp: t(9),
          type: 'TaskStateExited',
          stateExitedEventDetails: { name: 'PlanDns', output: '{}' },
        },
        {
          id: 6,
          previousEventId: 5,
          timestamp: t(9),
          type: 'FailStateEntered',
          stateEnteredEventDetails: { name: 'DryRunFailed', input: '{}' },
        },
        {
          id: 7,
          previousEventId: 6,
          timestamp: t(9),
          type: 'ExecutionFailed',
          executionFailedEventDetails: {
            error: 'DryRunFailed',
            cause: 'The dry-run could not finish; it changed nothing.',
          },
        },
      ],
    });

    // Act
    const { code, stdout } = await cutover([
      'plan',
      '--stage',
      'prod',
      '--plan',
      'examples/plan.json',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(4);
    expect(stdout).toMatch(
      /^Failed in PlanDns: ResourceNotFound\n {2}reading record admin\.tis\.example\.org A: NoSuchHostedZone$/m,
    );
    expect(stdout).toMatch(/^Ended in DryRunFailed: DryRunFailed: /m);
  });

  it('gives up waiting after 15 minutes, saying the dry-run goes on and how to follow it, exit 4', async () => {
    // Arrange
    deployed();
    sfn.on(StartExecutionCommand).resolves({ executionArn: DRY_RUN, startDate: START });
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: DRY_RUN, status: 'RUNNING' });

    // Act
    const { code, stderr, sleeps } = await cutover([
      'plan',
      '--stage',
      'prod',
      '--plan',
      'examples/plan.json',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(4);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(15 * 60_000);
    expect(stderr).toContain(
      `still running after 15 minutes; it goes on without this command. Follow it: cutover status ${DRY_RUN} --watch`,
    );
  });

  it('refuses sandbox-only flags with --stage, exit 2', async () => {
    // Act
    const { code, stderr } = await cutover(['plan', '--stage', 'prod', '--drift-dns']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('--drift-dns: only for the sandbox');
  });
});
