import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { MAX_MESSAGE } from './document.ts';

/** Cut to what aws:approve takes, saying where the rest is. */
export function fitMessage(lines: string[], rest: string): string {
  const whole = lines.join('\n');
  if (whole.length <= MAX_MESSAGE) return whole;
  const kept: string[] = [];
  let length = rest.length + 1;
  for (const line of lines) {
    if (length + line.length + 1 > MAX_MESSAGE) break;
    kept.push(line);
    length += line.length + 1;
  }
  return [...kept, rest].join('\n');
}

export interface ApprovalRequest {
  region: string;
  document: string;
  roleArn: string;
  executionArn: string;
  taskToken: string;
  approvers: string[];
  minApprovals: number;
  message: string;
}

/** Starts the approval runbook for one cutover; it answers the task token once the approvers have. */
export async function startApproval(request: ApprovalRequest): Promise<string> {
  const { AutomationExecutionId } = await named(
    `starting the go/no-go in Systems Manager Automation (${request.document})`,
    aws.ssm(request.region).send(
      new StartAutomationExecutionCommand({
        DocumentName: request.document,
        Parameters: {
          AutomationAssumeRole: [request.roleArn],
          ExecutionArn: [request.executionArn],
          TaskToken: [request.taskToken],
          Approvers: request.approvers,
          MinRequiredApprovals: [String(request.minApprovals)],
          Message: [request.message],
        },
      }),
    ),
  );
  return AutomationExecutionId ?? '';
}
