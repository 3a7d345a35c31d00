/**
 * The go/no-go as a Systems Manager Automation approval, so an approver with only the AWS console can
 * answer it (Systems Manager → Automation → the waiting execution → Approve/Deny). RequestApproval
 * starts one execution of this runbook per cutover, with the plan's approvers and quorum and the
 * cutover's task token; the runbook waits in `aws:approve`, then answers the waiting cutover with
 * SendTaskSuccess, or SendTaskFailure (ApprovalRejected) on a no-go.
 *
 * aws:approve (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-approve.html):
 * Approvers are IAM users or roles, at most 10; MinRequiredApprovals is 1 by default and may not
 * exceed them; the Message is at most 4096 characters; a rejection fails the step (`onFailure`
 * routes it to the no-go); the step waits at most timeoutSeconds (default 7 days).
 * aws:executeAwsApi calls an API by the names of its request's fields
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html).
 */

/** The runbook's name in a stage: the CLI finds a cutover's approval by it. */
export const approvalDocumentName = (service: string, stage: string) => `${service}-${stage}-approval`;

/** Where an approver answers in the console. */
export const consoleUrlOf = (region: string, automationExecutionId: string) =>
  `https://${region}.console.aws.amazon.com/systems-manager/automation/execution/${automationExecutionId}?region=${region}`;

/** The step that waits for the approvers; its outputs and the console's Approve/Deny are about it. */
export const APPROVE_STEP = 'approve';

/** aws:approve's limits, which the plan's schema and the sandbox both keep. */
export const MAX_APPROVERS = 10;
export const MAX_MESSAGE = 4096;

/**
 * An hour longer than any plan's approval.timeoutSeconds (at most 86400): the cutover's own
 * AwaitApproval times out first, and its rollback cancels this execution (cancelApproval,
 * src/approval/waiting.ts).
 */
export const APPROVE_STEP_TIMEOUT_SECONDS = 86_400 + 3_600;

export function approvalDocument() {
  return {
    description:
      'The go/no-go of a Cognito cutover: approve to let it freeze writes and switch to the new pool; deny to roll its preparation back.',
    schemaVersion: '0.3',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: { type: 'String', description: 'The role that answers the cutover.' },
      ExecutionArn: { type: 'String', description: 'The cutover execution that waits for this answer.' },
      TaskToken: { type: 'String', description: "The cutover's AwaitApproval task token." },
      Approvers: { type: 'StringList', description: "The plan's approval.approvers." },
      MinRequiredApprovals: { type: 'Integer', default: 1, description: "The plan's approval.minApprovals." },
      Message: { type: 'String', description: 'What the cutover is about to change.' },
    },
    mainSteps: [
      {
        name: APPROVE_STEP,
        action: 'aws:approve',
        timeoutSeconds: APPROVE_STEP_TIMEOUT_SECONDS,
        onFailure: 'step:noGo',
        nextStep: 'go',
        inputs: {
          Approvers: '{{ Approvers }}',
          MinRequiredApprovals: '{{ MinRequiredApprovals }}',
          Message: '{{ Message }}',
        },
      },
      {
        name: 'go',
        action: 'aws:executeAwsApi',
        isEnd: true,
        inputs: {
          Service: 'stepfunctions',
          Api: 'SendTaskSuccess',
          taskToken: '{{ TaskToken }}',
          output: '{"approved":true,"automationExecutionId":"{{ automation:EXECUTION_ID }}"}',
        },
      },
      {
        name: 'noGo',
        action: 'aws:executeAwsApi',
        isEnd: true,
        inputs: {
          Service: 'stepfunctions',
          Api: 'SendTaskFailure',
          taskToken: '{{ TaskToken }}',
          error: 'ApprovalRejected',
          cause: 'No-go in Systems Manager Automation {{ automation:EXECUTION_ID }}.',
        },
      },
    ],
  };
}

export type ApprovalDocument = ReturnType<typeof approvalDocument>;

/**
 * The runbook and the role it answers with, for serverless.yml's `resources` (deploy/approval.cjs).
 * The role may only answer task tokens: SendTaskSuccess and SendTaskFailure take no resource
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
 */
export function approvalResources(service: string, stage: string): Record<string, object> {
  return {
    ApprovalDocument: {
      Type: 'AWS::SSM::Document',
      Properties: {
        Name: approvalDocumentName(service, stage),
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        // A new version on each change, so the name, which the CLI finds the approval by, stays.
        UpdateMethod: 'NewVersion',
        Content: approvalDocument(),
      },
    },
    ApprovalAutomationRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `${service} ${stage} go/no-go: answers the waiting cutover once the approvers have`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ssm.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'answer-the-cutover',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['states:SendTaskFailure', 'states:SendTaskSuccess'],
                  Resource: '*',
                },
              ],
            },
          },
        ],
      },
    },
  };
}
