import { PublishCommand } from '@aws-sdk/client-sns';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { bindingKind, freezeKind } from '../kinds/index.ts';
import type { Plan } from '../plan/schema.ts';
import type { StepContext } from './core/context.ts';

/** What the go/no-go is about, in the words of the plan. */
export function aboutToChange(plan: Plan): string[] {
  const target =
    'values' in plan.dns.target ? plan.dns.target.values.join(', ') : plan.dns.target.aliasDnsName;
  return [
    ...plan.writeFreeze.map((f) => freezeKind(f).approval(f)),
    `point ${plan.dns.recordName} ${plan.dns.recordType} at ${target}`,
    ...plan.services.flatMap((s) =>
      s.bindings.map((b) => `${s.name}: ${bindingKind(b).approval(b)} → ${plan.newPool.userPoolId}`),
    ),
  ];
}

/**
 * The go/no-go before the write freeze: sends operators the task token and what is about to
 * change. The execution waits, up to approval.timeoutSeconds, for SendTaskSuccess or SendTaskFailure.
 */
export async function requestApproval(ctx: StepContext, taskToken: string) {
  const changes = aboutToChange(ctx.plan);
  const body = [
    `Execution ${ctx.executionId} is ready to freeze writes and switch ${ctx.plan.migrationId} to the new pool.`,
    'It will:',
    ...changes.map((c) => `  - ${c}`),
    '',
    `Go: aws stepfunctions send-task-success --task-token '${taskToken}' --task-output '{"approved":true}'`,
    `No-go: aws stepfunctions send-task-failure --task-token '${taskToken}' --error ApprovalRejected --cause 'reason'`,
    `Without an answer in ${ctx.plan.approval?.timeoutSeconds ?? 0} s the cutover undoes its preparation and ends.`,
  ].join('\n');
  await named(
    `asking operators for go/no-go on ${ctx.plan.notify.operatorsTopicArn}`,
    aws.sns(ctx.plan.region).send(
      new PublishCommand({
        TopicArn: ctx.plan.notify.operatorsTopicArn,
        Subject: `[cutover] ${ctx.plan.migrationId}: go/no-go needed`,
        Message: body,
      }),
    ),
  );
  return { requested: true, changes };
}
