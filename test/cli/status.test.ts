import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
} from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { forwardPath, loadMachine } from '../../src/statemachines/definition.ts';
import {
  approvalToken,
  CUTOVER_MACHINE,
  cutover,
  deployed,
  EXECUTION,
  history,
  REGION,
  ROLLBACK_MACHINE,
  serve,
  sfn,
} from './aws.ts';

/** Where a state sits on the cutover's forward path, as the progress bar counts it. */
const runbook = forwardPath(loadMachine('cutover').definition);
const step = (state: string) => `${runbook.indexOf(state) + 1}/${runbook.length} states of the runbook`;

beforeEach(() => {
  sfn.reset();
});

describe('cutover status', () => {
  it('shows a running cutover: where it is, what comes next, progress, the freeze timer and the retry', async () => {
    // Arrange: SwitchServices was throttled once and runs its second attempt; writes are frozen.
    const fixture = history('running');
    serve(fixture);

    // Act
    const { code, stdout } = await cutover(['status', EXECUTION], { now: fixture.now });

    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Status: RUNNING {2}\(tis-prod-pool-v1-to-v2\) {2}for 00:08:44$/m);
    expect(stdout).toMatch(/^Now: SwitchServices \(Task\), for 00:00:16, attempt 2$/m);
    expect(stdout).toMatch(/^Up next: CheckServices → CheckHealth → ReleaseWrites \(write freeze ends\)$/m);
    expect(stdout).toContain(`Progress: [###########-------------] ${step('SwitchServices')}`);
    expect(stdout).toMatch(/^Write freeze: ON, 102 s so far \(since 07:37:02 UTC\)$/m);
    expect(stdout).toMatch(
      /^Retried: SwitchServices \(attempt 2\) after AwsTransient: updating authorizer cogauth1/m,
    );
    expect(stdout).toMatch(/^\+00:07:05 {2}RestrictWrites\s+ok$/m);
    expect(stdout).toMatch(/^\+00:08:30 {2}SwitchServices\s+retrying \(attempt 2\)$/m);
    expect(stdout).toContain(`Stop it:    cutover abort ${EXECUTION}`);
    // Both pages of the history were read.
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: EXECUTION,
      nextToken: 'page-2',
    });
  });

  it("names the migration of the weekly dry-run, whose input names the stage's plan, from ValidatePlan's output", async () => {
    // Arrange: the running fixture, started as the schedule starts it.
    const fixture = history('running');
    const started = fixture.events.find((e) => e.type === 'ExecutionStarted');
    if (started?.executionStartedEventDetails) {
      started.executionStartedEventDetails.input = JSON.stringify({ dryRunOfStagePlan: 'plans/prod.json' });
    }
    fixture.execution.input = JSON.stringify({ dryRunOfStagePlan: 'plans/prod.json' });
    serve(fixture);

    // Act
    const { stdout } = await cutover(['status', EXECUTION], { now: fixture.now });

    // Assert
    expect(stdout).toMatch(/^Status: RUNNING {2}\(tis-prod-pool-v1-to-v2\)/m);
  });

  it('shows the go/no-go it waits for with the exact lines to answer it, and never the task token', async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);

    // Act
    const { code, stdout } = await cutover(['status', EXECUTION], { now: fixture.now });

    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Now: AwaitApproval \(Task\), for 00:04:11$/m);
    expect(stdout).toMatch(
      /^Waiting for the go\/no-go for 00:04:11; without an answer by 08:00:09 UTC \(1800 s\) it rolls back\.$/m,
    );
    expect(stdout).toContain(`  Go:    cutover approve ${EXECUTION}\n`);
    expect(stdout).toContain(`  No-go: cutover reject ${EXECUTION} --reason 'WHY'\n`);
    expect(stdout).toMatch(/^Up next: RestrictWrites \(write freeze starts\) → SwitchDns → CheckDnsSync$/m);
    expect(stdout).toMatch(/^Write freeze: not started yet$/m);
    expect(stdout).not.toContain(approvalToken(fixture));
  });

  it('summarises a cutover that succeeded as the rehearsal does, exit 0', async () => {
    // Arrange
    serve(history('succeeded'));

    // Act
    const { code, stdout } = await cutover(['status', EXECUTION]);

    // Assert
    expect(code).toBe(0);
    // The grace window, watched every half hour in this history, is most of it.
    expect(stdout).toMatch(/^\+01:40:06 {2}Switched\s+succeed$/m);
    // Polls alike fold into one line that says how many more and until when.
    expect(stdout).toMatch(/^\+00:39:59 {2}WatchGrace\s+ok\n\s+… the same 2 more times, until \+01:40:04$/m);
    expect(stdout).toMatch(/^Status: SUCCEEDED {2}\(tis-prod-pool-v1-to-v2\) {2}after 01:40:06$/m);
    expect(stdout).toContain(
      `Progress: [########################] ${runbook.length}/${runbook.length} states`,
    );
    expect(stdout).toMatch(/^ {2}secret:usermanagement-cognito-prod {2}\[SwitchServices\]$/m);
    expect(stdout).toMatch(/^Write freeze: 172 s \(07:37:02 UTC to 07:39:54 UTC, ended by ReleaseWrites\)$/m);
    expect(stdout).toMatch(
      /^Ran 01:40:06, 54 state transitions\. Notifications are not in the execution history/m,
    );
    expect(stdout).not.toMatch(/^Failed in/m);
  });

  it('summarises a rolled-back cutover: the failure, what was restored, the rollback execution, exit 3', async () => {
    // Arrange: SwitchServices was refused PutSecretValue; the Rollback state's child restored the rest.
    serve(history('rolled-back'));
    const child = `${ROLLBACK_MACHINE.replace(':stateMachine:', ':execution:')}:b5c3f0d2-7e1a-4c8b-9f6d-2a4e8c1b3d57`;

    // Act
    const { code, stdout } = await cutover(['status', EXECUTION]);

    // Assert
    expect(code).toBe(3);
    expect(stdout).toMatch(/^\+00:08:31 {2}SwitchServices\s+caught, next: Rollback$/m);
    expect(stdout).toMatch(/^Status: ROLLED_BACK {2}\(tis-prod-pool-v1-to-v2\) {2}after 00:10:07$/m);
    expect(stdout).toMatch(
      /^Failed in SwitchServices: AccessDenied\n {2}putting secret usermanagement-cognito-prod: AccessDeniedException: .*secretsmanager:PutSecretValue/m,
    );
    expect(stdout).toMatch(/^Ended in RolledBack: CutoverRolledBack: /m);
    expect(stdout).toMatch(
      /^ {2}route53-record:Z0EXAMPLEADMIN\/admin\.tis\.example\.org\.\/A {2}\[SwitchDns\] {2}alias\.dnsName$/m,
    );
    expect(stdout).toMatch(/^Restored: .*apigateway-authorizer:rv0api5678\/cogauth1/m);
    expect(stdout).toContain(`Rollback: ${child} SUCCEEDED (started by the Rollback state)`);
    expect(stdout).toMatch(/^Write freeze: 184 s \(07:37:02 UTC to 07:40:07 UTC, ended by the rollback\)$/m);
    expect(stdout).toMatch(/left the runbook after SwitchServices, ended in RolledBack$/m);
  });

  it('points a timed-out cutover at the rollback the EventBridge rule started, exit 3 once it restored everything', async () => {
    // Arrange: draining a day-long TTL outlasted the six-hour execution timeout.
    const fixture = history('timed-out');
    serve(fixture);
    const [rollback] = fixture.executions;
    sfn.on(ListExecutionsCommand, { stateMachineArn: ROLLBACK_MACHINE }).resolves({
      executions: [
        {
          executionArn: rollback?.executionArn,
          stateMachineArn: ROLLBACK_MACHINE,
          name: rollback?.name,
          status: 'SUCCEEDED',
          startDate: rollback?.startDate,
        },
      ],
    });
    sfn.on(DescribeExecutionCommand, { executionArn: rollback?.executionArn }).resolves(rollback ?? {});

    // Act
    const { code, stdout } = await cutover(['status', EXECUTION]);

    // Assert
    expect(code).toBe(3);
    expect(stdout).toMatch(
      /^\+06:00:00 {2}DrainOldTtl\s+execution TIMED_OUT in this state \(it was to wait 86400 s\)$/m,
    );
    expect(stdout).toMatch(/^Status: TIMED_OUT {2}\(tis-prod-pool-v1-to-v2\) {2}after 06:00:00$/m);
    expect(stdout).toContain(
      `Rollback: ${rollback?.executionArn} SUCCEEDED (started by the EventBridge rule RollbackWhenCutoverStops)`,
    );
    expect(stdout).toMatch(/^Restored: route53-record:Z0EXAMPLEADMIN\/admin\.tis\.example\.org\.\/A$/m);
    expect(stdout).toMatch(/^Write freeze: never started$/m);
  });

  it('shows a rollback execution: the cutover it undoes and what it restored, exit 0', async () => {
    // Arrange: the rollback the EventBridge rule started for the timed-out cutover, and its history.
    const [rollback] = history('timed-out').executions;
    const at = (s: number) => new Date(new Date(rollback?.startDate ?? 0).getTime() + s * 1000);
    let id = 0;
    const event = (s: number, type: string, details: object = {}) => ({
      id: ++id,
      previousEventId: id - 1,
      timestamp: at(s),
      type,
      ...details,
    });
    const state = (s: number, kind: string, name: string) => [
      event(s, `${kind}StateEntered`, { stateEnteredEventDetails: { name, input: '{}' } }),
      ...(kind === 'Task'
        ? [
            event(s, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: 'fn' } }),
            event(s, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: '{}' } }),
          ]
        : []),
      event(s + 1, `${kind}StateExited`, { stateExitedEventDetails: { name, output: '{}' } }),
    ];
    const events = [
      event(0, 'ExecutionStarted', { executionStartedEventDetails: { input: rollback?.input } }),
      ...state(0, 'Pass', 'Start'),
      ...state(1, 'Task', 'LoadMigration'),
      ...state(2, 'Choice', 'HasMigration'),
      ...state(3, 'Task', 'Restore'),
      ...state(40, 'Choice', 'RestoreComplete'),
      ...state(41, 'Task', 'NotifyRolledBack'),
      ...state(42, 'Task', 'ReleaseLock'),
      ...state(70, 'Succeed', 'RolledBack'),
      event(71, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: rollback?.output } }),
    ];
    serve({ execution: rollback ?? {}, events, executions: [], now: at(71) } as never);

    // Act
    const { code, stdout } = await cutover(['status', rollback?.executionArn ?? '']);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Rollback of tis-prod-pool-v1-to-v2 on stage prod \(eu-west-2\)/m);
    expect(stdout).toContain(`Undoes the changes of ${EXECUTION}`);
    expect(stdout).toMatch(/^\+00:00:04 {2}Restore\s+ok$/m);
    expect(stdout).toMatch(/^Status: ROLLED_BACK/m);
    expect(stdout).toMatch(/^Restored: route53-record:Z0EXAMPLEADMIN\/admin\.tis\.example\.org\.\/A$/m);
    expect(stdout).not.toMatch(/^Write freeze/m);
  });

  it('prints the progress as one JSON object with --json', async () => {
    // Arrange
    const fixture = history('running');
    serve(fixture);

    // Act
    const { code, stdout } = await cutover(['status', EXECUTION, '--json'], { now: fixture.now });

    // Assert
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({
      executionArn: EXECUTION,
      outcome: 'RUNNING',
      migrationId: 'tis-prod-pool-v1-to-v2',
      current: { state: 'SwitchServices', attempt: 2 },
      upNext: ['CheckServices', 'CheckHealth', 'ReleaseWrites'],
      freeze: { status: 'on', seconds: 102 },
      retries: [{ state: 'SwitchServices', error: 'AwsTransient', attempt: 2 }],
      approval: null,
    });
  });

  it("finds the stage's newest execution when given --stage instead of an ARN", async () => {
    // Arrange: nothing runs, so the newest execution is the one shown.
    deployed();
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: EXECUTION,
          stateMachineArn: CUTOVER_MACHINE,
          name: 'x',
          status: 'SUCCEEDED',
          startDate: new Date(),
        },
      ],
    });
    sfn.on(ListExecutionsCommand, { statusFilter: 'RUNNING' }).resolves({ executions: [] });
    serve(history('succeeded'));

    // Act
    const { code, stdout } = await cutover(['status', '--stage', 'prod', '--region', REGION]);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toContain(`Execution  ${EXECUTION}`);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: CUTOVER_MACHINE,
      maxResults: 1,
    });
  });

  it('--watch redraws every 5 s until the execution ends, then exits with how it ended', async () => {
    // Arrange: the first look finds it running, the second finds it rolled back.
    const running = history('running');
    const ended = history('rolled-back');
    sfn.on(DescribeExecutionCommand).resolvesOnce(running.execution).resolves(ended.execution);
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: running.events })
      .resolves({ events: ended.events });

    // Act
    const { code, stdout, sleeps } = await cutover(['status', EXECUTION, '--watch'], { now: running.now });

    // Assert
    expect(sleeps).toEqual([5000]);
    expect(stdout).toMatch(/^Status: RUNNING/m);
    expect(stdout).toMatch(/^Status: ROLLED_BACK/m);
    expect(code).toBe(3);
  });

  it('--watch waits out expired credentials and throttling with backoff, saying so, then reads on', async () => {
    // Arrange: the SSO session expires, then Step Functions throttles, then the execution has ended.
    const ended = history('rolled-back');
    const expired = Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
    });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sfn.on(DescribeExecutionCommand).rejectsOnce(expired).rejectsOnce(throttled).resolves(ended.execution);
    sfn.on(GetExecutionHistoryCommand).resolves({ events: ended.events });

    // Act
    const { code, stdout, stderr, sleeps } = await cutover(['status', EXECUTION, '--watch'], {
      now: ended.now,
    });

    // Assert
    expect(sleeps).toEqual([10_000, 20_000]);
    expect(stderr).toContain('Your AWS credentials have expired: refresh them (e.g. `aws sso login`)');
    expect(stderr).toContain('Still watching: reading again in 10 s.');
    expect(stdout).toMatch(/^Status: ROLLED_BACK/m);
    expect(code).toBe(3);
  });

  it('--watch --timeout stops watching a running execution when the time is up, exit 4', async () => {
    // Arrange
    const running = history('running');
    serve(running);

    // Act
    const { code, stderr, sleeps } = await cutover(['status', EXECUTION, '--watch', '--timeout', '12'], {
      now: running.now,
    });

    // Assert
    expect(sleeps).toEqual([5000, 5000]);
    expect(stderr).toContain(
      `stopped watching after --timeout 12 s; the execution goes on. Watch it again: cutover status ${EXECUTION} --watch`,
    );
    expect(code).toBe(4);
  });

  it('says to check the ARN and the region when the execution does not exist, exit 4', async () => {
    // Arrange
    const missing = new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    sfn.on(DescribeExecutionCommand).rejects(missing);
    sfn.on(GetExecutionHistoryCommand).rejects(missing);

    // Act
    const { code, stderr } = await cutover(['status', EXECUTION]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(`There is no execution ${EXECUTION} in ${REGION}: check the ARN`);
  });

  it('refuses something that is not an execution ARN, exit 2', async () => {
    // Act
    const { code, stderr } = await cutover(['status', 'tis-prod-pool-v1-to-v2-20250310T073000Z']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('is not an execution ARN');
    expect(sfn.calls()).toHaveLength(0);
  });
});
