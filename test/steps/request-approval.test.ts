import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { requestApproval } from '../../src/steps/request-approval.ts';
import { context, mocks } from './aws-mocks.ts';

describe('requestApproval', () => {
  it('sends operators the token, how to answer, and every change about to be made', async () => {
    // Act
    const result = await requestApproval(context(), 'token-123');

    // Assert
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-operators',
      Subject: '[cutover] tis-prod-pool-v1-to-v2: go/no-go needed',
    });
    expect(message).toContain("send-task-success --task-token 'token-123'");
    expect(message).toContain("send-task-failure --task-token 'token-123' --error ApprovalRejected");
    expect(message).toContain('point admin.tis.example.org A at d111abcdef8.cloudfront.net');
    expect(message).toContain('reval: SSM parameter /reval/prod/cognito-user-pool-id → eu-west-2_NewPool01');
    expect(result.changes).toHaveLength(2 + 1 + 4);
  });
});
