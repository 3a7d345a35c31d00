import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  InvalidAutomationSignalException,
  SendAutomationSignalCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { approvalToken, cutover, EXECUTION, type Fixture, history, serve, sfn } from './aws.ts';

const ssm = mockClient(SSMClient);
beforeEach(() => {
  sfn.reset();
  ssm.reset();
});

const APPROVERS = [
  'arn:aws:iam::123456789012:role/release-manager',
  'arn:aws:iam::123456789012:user/sre-lead',
];

/** The waiting cutover, its plan naming approvers: its go/no-go waits in Systems Manager too. */
function waitingWithApprovers(): Fixture {
  const fixture = history('waiting-approval');
  for (const event of fixture.events) {
    const details = event.stateEnteredEventDetails;
    if (details?.name !== 'AwaitApproval' || !details.input) continue;
    const input = JSON.parse(details.input);
    input.plan.approval = { ...input.plan.approval, approvers: APPROVERS, minApprovals: 2 };
    details.input = JSON.stringify(input);
  }
  ssm.on(DescribeAutomationExecutionsCommand).resolves({
    AutomationExecutionMetadataList: [
      { AutomationExecutionId: 'auto-1', DocumentName: 'cognito-cutover-prod-approval' },
    ],
  });
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: {
      AutomationExecutionId: 'auto-1',
      Parameters: { ExecutionArn: [EXECUTION], Approvers: APPROVERS, MinRequiredApprovals: ['2'] },
    },
  });
  return fixture;
}

describe('cutover approve and reject', () => {
  it("approve sends go with the waiting task's token and says the freeze starts next", async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);
    sfn.on(SendTaskSuccessCommand).resolves({});

    // Act
    const { code, stdout } = await cutover(['approve', EXECUTION, '--by', 'a.jones'], { now: fixture.now });

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: approvalToken(fixture),
      output: JSON.stringify({ approved: true, by: 'a.jones' }),
    });
    expect(stdout).toContain('It goes on to RestrictWrites: writes freeze now.');
    expect(stdout).toContain(`Next: cutover status ${EXECUTION} --watch`);
  });

  it('reject sends ApprovalRejected with the reason and who said no', async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);
    sfn.on(SendTaskFailureCommand).resolves({});

    // Act
    const { code, stdout } = await cutover(['reject', EXECUTION, '--reason', 'Reval team not ready'], {
      now: fixture.now,
    });

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: approvalToken(fixture),
      error: 'ApprovalRejected',
      cause: 'Reval team not ready (rejected by j.smith)',
    });
    expect(stdout).toContain('ends ROLLED_BACK');
  });

  it.each([
    ['running', 'it is RUNNING in SwitchServices (for 00:00:16). Its go/no-go has been answered already.'],
    ['succeeded', 'it has ended: SUCCEEDED.'],
  ])('refuses when the execution is not waiting for approval (%s), saying where it is, exit 4', async (name, where) => {
    // Arrange
    const fixture = history(name);
    serve(fixture);

    // Act
    const { code, stderr } = await cutover(['approve', EXECUTION], { now: fixture.now });

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(`${EXECUTION} is not waiting for approval: ${where}`);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('says the approval is no longer waiting when it timed out meanwhile, exit 4', async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    // Act
    const { code, stderr } = await cutover(['approve', EXECUTION], { now: fixture.now });

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(
      'The approval task is no longer waiting: it was answered, timed out, or the execution ended',
    );
  });

  describe('with approvers in the plan: the console approval in Systems Manager Automation', () => {
    it('approve answers it as the caller, says the quorum and the console link, and sends no token', async () => {
      // Arrange
      const fixture = waitingWithApprovers();
      serve(fixture);
      ssm.on(SendAutomationSignalCommand).resolves({});

      // Act
      const { code, stdout } = await cutover(['approve', EXECUTION], { now: fixture.now });

      // Assert
      expect(code).toBe(0);
      expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
        AutomationExecutionId: 'auto-1',
        SignalType: 'Approve',
      });
      expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
      expect(stdout).toContain(
        '2 of the 2 approver(s) must approve; once they have, the cutover freezes writes.',
      );
      expect(stdout).toContain('systems-manager/automation/execution/auto-1');
    });

    it('reject sends a no-go with the reason', async () => {
      // Arrange
      const fixture = waitingWithApprovers();
      serve(fixture);
      ssm.on(SendAutomationSignalCommand).resolves({});

      // Act
      const { code } = await cutover(['reject', EXECUTION, '--reason', 'Reval not ready'], {
        now: fixture.now,
      });

      // Assert
      expect(code).toBe(0);
      expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
        SignalType: 'Reject',
        Payload: { Comment: ['Reval not ready (rejected by j.smith)'] },
      });
    });

    it('tells someone who is not an approver who is, and where they answer, exit 4', async () => {
      // Arrange
      const fixture = waitingWithApprovers();
      serve(fixture);
      ssm
        .on(SendAutomationSignalCommand)
        .rejects(
          new InvalidAutomationSignalException({ message: 'You are not an approver.', $metadata: {} }),
        );

      // Act
      const { code, stderr } = await cutover(['approve', EXECUTION], { now: fixture.now });

      // Assert
      expect(code).toBe(4);
      expect(stderr).toContain(
        `Only the approvers the plan names may answer, once each: ${APPROVERS.join(', ')}`,
      );
      expect(stderr).toContain('systems-manager/automation/execution/auto-1');
    });

    it('status names the approvers, the quorum and where the console answers', async () => {
      // Arrange
      const fixture = waitingWithApprovers();
      serve(fixture);

      // Act
      const { stdout } = await cutover(['status', EXECUTION], { now: fixture.now });

      // Assert
      expect(stdout).toContain(
        `2 of 2 approver(s) must approve, each as themselves: ${APPROVERS.join(', ')}`,
      );
      expect(stdout).toContain(
        'Systems Manager → Automation → cognito-cutover-prod-approval (Waiting) → Approve/Deny',
      );
    });
  });
});
