import { PublishCommand } from '@aws-sdk/client-sns';
import { consoleUrlOf } from '../approval/document.ts';
import { fitMessage, startApproval } from '../approval/start.ts';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { requireEnv } from '../config.ts';
import { bindingKind, freezeKind } from '../kinds/index.ts';
import type { Plan } from '../plan/schema.ts';
import type { StepContext } from './core/context.ts';
import { freezeWindowOf } from './plan-report.ts';

/** What the go/no-go is about, in the words of the plan: each change, before → after. */
export function aboutToChange(plan: Plan): string[] {
  const target =
    'values' in plan.dns.target ? plan.dns.target.values.join(', ') : plan.dns.target.aliasDnsName;
  const expected = plan.dns.expected
    ? 'values' in plan.dns.expected
      ? plan.dns.expected.values.join(', ')
      : plan.dns.expected.aliasDnsName
    : undefined;
  const { oldPool, newPool } = plan;
  return [
    ...plan.writeFreeze.map((f) => freezeKind(f).approval(f)),
    `point ${plan.dns.recordName} ${plan.dns.recordType} ${expected ? `${expected} → ` : 'at '}${target}`,
    ...plan.services.flatMap((s) =>
      s.bindings.map(
        (b) => `${s.name}: ${bindingKind(b).approval(b)}: ${oldPool.userPoolId} → ${newPool.userPoolId}`,
      ),
    ),
  ];
}

/** Preflight's result as the approval carries it. */
export interface PreflightSummary {
  checks?: { check: string; ok: boolean; detail: string }[];
}

/** What an approver reads before answering: the changes, Preflight's checks, the write freeze. */
export function approvalMessage(ctx: StepContext, preflight: PreflightSummary | undefined): string[] {
  const { plan } = ctx;
  const checks = preflight?.checks ?? [];
  const passed = checks.filter((c) => c.ok).length;
  return [
    `Execution ${ctx.executionId} is ready to freeze writes and switch ${plan.migrationId} to the new pool.`,
    '',
    'It will change:',
    ...aboutToChange(plan).map((c) => `  - ${c}`),
    '',
    `Preflight: ${passed} of ${checks.length} checks passed.`,
    ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}`),
    '',
    `Writes will be frozen for about ${freezeWindowOf(plan)} s, from the go until the health gate passes.`,
    `Without an answer in ${plan.approval.timeoutSeconds} s the cutover undoes its preparation and ends.`,
  ];
}

/**
 * The go/no-go before the write freeze: tells operators what is about to change and how to answer,
 * and, when the plan names approvers, opens it as a Systems Manager Automation approval they answer
 * in the console (src/approval/document.ts). The execution waits, up to approval.timeoutSeconds, for
 * SendTaskSuccess or SendTaskFailure: from the approval's runbook, or from `cutover approve`/`reject`.
 */
export async function requestApproval(ctx: StepContext, taskToken: string, preflight?: PreflightSummary) {
  const { plan } = ctx;
  const lines = approvalMessage(ctx, preflight);
  const changes = aboutToChange(plan);
  const { approvers, minApprovals } = plan.approval;
  let answer: string[];
  let automationExecutionId: string | undefined;
  if (approvers.length > 0) {
    automationExecutionId = await startApproval({
      region: plan.region,
      document: requireEnv('APPROVAL_DOCUMENT'),
      roleArn: requireEnv('APPROVAL_ROLE_ARN'),
      executionArn: ctx.executionId,
      taskToken,
      approvers,
      minApprovals,
      message: fitMessage(lines, `The rest: cutover status ${ctx.executionId}`),
    });
    answer = [
      `${minApprovals} of ${approvers.length} approver(s) must approve; one no-go stops it.`,
      `In the console: ${consoleUrlOf(plan.region, automationExecutionId)} (Approve/Deny).`,
      `Or: cutover approve ${ctx.executionId}   /   cutover reject ${ctx.executionId} --reason '...'`,
    ];
  } else {
    answer = [
      `Go: cutover approve ${ctx.executionId}`,
      `No-go: cutover reject ${ctx.executionId} --reason '...'`,
      `Without the CLI: aws stepfunctions send-task-success --task-token '${taskToken}' --task-output '{"approved":true}'`,
    ];
  }
  await named(
    `asking operators for go/no-go on ${plan.notify.operatorsTopicArn}`,
    aws.sns(plan.region).send(
      new PublishCommand({
        TopicArn: plan.notify.operatorsTopicArn,
        Subject: `[cutover] ${plan.migrationId}: go/no-go needed`,
        Message: [...lines, '', ...answer].join('\n'),
      }),
    ),
  );
  return { requested: true, changes, ...(automationExecutionId ? { automationExecutionId } : {}) };
}
