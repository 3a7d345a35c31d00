import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { consoleUrlOf } from './document.ts';

/** A cutover's go/no-go as it waits in Systems Manager Automation (src/approval/document.ts). */
export interface WaitingApproval {
  automationExecutionId: string;
  approvers: string[];
  minApprovals: number;
  consoleUrl: string;
}

/** The approval of `executionArn` that still waits for its approvers, if there is one. */
export async function waitingApproval(
  region: string,
  document: string,
  executionArn: string,
): Promise<WaitingApproval | undefined> {
  const ssm = aws.ssm(region);
  let NextToken: string | undefined;
  do {
    const page = await named(
      `listing the waiting approvals of ${document}`,
      ssm.send(
        new DescribeAutomationExecutionsCommand({
          Filters: [
            { Key: 'DocumentNamePrefix', Values: [document] },
            { Key: 'ExecutionStatus', Values: ['Waiting'] },
          ],
          NextToken,
        }),
      ),
    );
    for (const meta of page.AutomationExecutionMetadataList ?? []) {
      if (meta.DocumentName !== document || !meta.AutomationExecutionId) continue;
      const { AutomationExecution: execution } = await named(
        `reading approval ${meta.AutomationExecutionId}`,
        ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: meta.AutomationExecutionId })),
      );
      const parameters = execution?.Parameters ?? {};
      if (parameters.ExecutionArn?.[0] !== executionArn) continue;
      return {
        automationExecutionId: meta.AutomationExecutionId,
        approvers: parameters.Approvers ?? [],
        minApprovals: Number(parameters.MinRequiredApprovals?.[0] ?? 1),
        consoleUrl: consoleUrlOf(region, meta.AutomationExecutionId),
      };
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

/**
 * Closes the approval of a cutover that no longer waits for it (timed out, failed, aborted), so no
 * approver is left answering a question nobody asks. Returns its id, or undefined when none waited.
 */
export async function cancelApproval(
  region: string,
  document: string,
  executionArn: string,
): Promise<string | undefined> {
  const waiting = await waitingApproval(region, document, executionArn);
  if (!waiting) return undefined;
  await named(
    `cancelling approval ${waiting.automationExecutionId}`,
    aws.ssm(region).send(
      new StopAutomationExecutionCommand({
        AutomationExecutionId: waiting.automationExecutionId,
        Type: 'Cancel',
      }),
    ),
  );
  return waiting.automationExecutionId;
}
