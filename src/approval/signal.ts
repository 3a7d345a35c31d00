import { SendAutomationSignalCommand } from '@aws-sdk/client-ssm';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';

/** Approve or deny as the caller, who must be one of the approvers, as in the console. */
export async function signalApproval(
  region: string,
  automationExecutionId: string,
  signal: 'Approve' | 'Reject',
  comment: string,
): Promise<void> {
  await named(
    `answering approval ${automationExecutionId}`,
    aws.ssm(region).send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: automationExecutionId,
        SignalType: signal,
        Payload: { Comment: [comment] },
      }),
    ),
  );
}
