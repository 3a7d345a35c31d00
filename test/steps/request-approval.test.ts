import { PublishCommand } from '@aws-sdk/client-sns';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestApproval } from '../../src/steps/request-approval.ts';
import { context, EXECUTION, mocks, planWith } from './aws-mocks.ts';

const APPROVERS = [
  'arn:aws:iam::111122223333:role/release-manager',
  'arn:aws:iam::111122223333:user/sre-lead',
];
const PREFLIGHT = {
  checks: [
    { check: 'the old pool exists', ok: true, detail: '' },
    { check: 'the new pool may invoke the migration function', ok: true, detail: '' },
  ],
};

const published = () => mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';

describe('requestApproval', () => {
  beforeEach(() => {
    process.env.APPROVAL_DOCUMENT = 'cognito-cutover-prod-approval';
    process.env.APPROVAL_ROLE_ARN = 'arn:aws:iam::111122223333:role/cognito-cutover-prod-approval';
  });
  afterEach(() => {
    delete process.env.APPROVAL_DOCUMENT;
    delete process.env.APPROVAL_ROLE_ARN;
  });

  it('tells operators every change before → after, Preflight, the freeze, and the commands that answer', async () => {
    // Act
    const result = await requestApproval(context(), 'token-123', PREFLIGHT);

    // Assert
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-operators',
      Subject: '[cutover] tis-prod-pool-v1-to-v2: go/no-go needed',
    });
    const message = published();
    expect(message).toContain(
      'point admin.tis.example.org A d222oldadmin.cloudfront.net → d111abcdef8.cloudfront.net',
    );
    expect(message).toContain(
      'reval: SSM parameter /reval/prod/cognito-user-pool-id: eu-west-2_OldPool01 → eu-west-2_NewPool01',
    );
    expect(message).toContain('Preflight: 2 of 2 checks passed.');
    expect(message).toMatch(/Writes will be frozen for about \d+ s/);
    expect(message).toContain(`Go: cutover approve ${EXECUTION}`);
    expect(message).toContain("send-task-success --task-token 'token-123'");
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(result.changes).toHaveLength(2 + 1 + 4);
  });

  it("opens a console approval for the plan's approvers and quorum, which answers this task's token", async () => {
    // Arrange
    mocks.ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'auto-1' });
    const plan = planWith((p) => {
      p.approval.approvers = APPROVERS;
      p.approval.minApprovals = 2;
    });

    // Act
    const result = await requestApproval(context(plan), 'token-123', PREFLIGHT);

    // Assert
    const start = mocks.ssm.commandCalls(StartAutomationExecutionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({
      DocumentName: 'cognito-cutover-prod-approval',
      Parameters: {
        AutomationAssumeRole: ['arn:aws:iam::111122223333:role/cognito-cutover-prod-approval'],
        ExecutionArn: [EXECUTION],
        TaskToken: ['token-123'],
        Approvers: APPROVERS,
        MinRequiredApprovals: ['2'],
      },
    });
    expect(start?.Parameters?.Message?.[0]).toContain('Preflight: 2 of 2 checks passed.');
    const message = published();
    expect(message).toContain('2 of 2 approver(s) must approve; one no-go stops it.');
    expect(message).toContain(
      'https://eu-west-2.console.aws.amazon.com/systems-manager/automation/execution/auto-1?region=eu-west-2',
    );
    // The token is the runbook's to send: nobody should answer around the quorum.
    expect(message).not.toContain('token-123');
    expect(result).toMatchObject({ requested: true, automationExecutionId: 'auto-1' });
  });

  it('keeps the approval message within the 4096 characters aws:approve takes, saying where the rest is', async () => {
    // Arrange
    mocks.ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'auto-1' });
    const plan = planWith((p) => {
      p.approval.approvers = APPROVERS;
    });
    const many = {
      checks: Array.from({ length: 200 }, (_, i) => ({
        check: `check number ${i} of many`,
        ok: true,
        detail: '',
      })),
    };

    // Act
    await requestApproval(context(plan), 'token-123', many);

    // Assert
    const text = mocks.ssm.commandCalls(StartAutomationExecutionCommand)[0]?.args[0].input.Parameters
      ?.Message?.[0];
    expect(text?.length).toBeLessThanOrEqual(4096);
    expect(text).toContain(`The rest: cutover status ${EXECUTION}`);
  });
});
