import { PublishCommand } from '@aws-sdk/client-sns';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { listNotices, noticeSent, recordNotice } from '../ledger/notices.ts';
import type { StepContext } from './core/context.ts';
import { type GainedReport, gainedLines } from './gained-report.ts';

export type NoticeEvent = 'started' | 'done' | 'rolled-back' | 'rollback-incomplete';

export interface NoticeDetail {
  failure?: { Error?: string | undefined; Cause?: string | undefined };
  remaining?: unknown[];
  /** Why the rollback itself stopped, when it did. */
  error?: string;
  /**
   * The cutover execution a rollback undoes. Users hear it was called off only if that execution
   * told them it started: a cutover stopped in Preflight never did. Without it (a rollback an
   * operator started), only if users were told maintenance started and not yet that it ended.
   */
  startedBy?: string;
  /**
   * The rollback found nothing left to restore: the cutover's own rollback did it, or nothing was
   * ever changed. Operators hear nothing more; users hear "called off" only if still owed it.
   */
  nothingLeft?: boolean;
  /**
   * What the new pool gained while it served sign-in, counted by the rollback since the cutover began
   * (`since`): the counts, or why they could not be counted.
   */
  gained?: { since: string; counts: GainedCounts } | { since: string; error: string };
}

type GainedCounts = Pick<GainedReport, 'users' | 'signedUp' | 'migrated' | 'changed'>;

/**
 * Where the rollback's stack is: its region and its stage, from the execution's ARN and its state
 * machine's name (serverless.yml: `<service>-<stage>-rollback`). The ledger is there.
 */
function stackOf(executionId: string, planRegion: string) {
  const [, region, stage] =
    /^arn:[^:]+:states:([^:]+):\d+:execution:cognito-cutover-(.+)-rollback:/.exec(executionId) ?? [];
  return { region: region ?? planRegion, stage: stage ?? 'STAGE' };
}

/** What operators are told of the users the new pool gained: counts only, and where the names are. */
function gainedForOperators(ctx: StepContext, gained: NoticeDetail['gained']): string {
  if (!gained) return '';
  const stack = stackOf(ctx.executionId, ctx.plan.region);
  const fetch = `cutover gained --migration-id ${ctx.plan.migrationId} --stage ${stack.stage} --region ${stack.region}`;
  if ('error' in gained)
    return `\nWhat the new pool gained since ${gained.since} could not be counted (${gained.error}); its users are still there. List those created or changed since then: aws cognito-idp list-users --user-pool-id ${ctx.plan.newPool.userPoolId} --region ${ctx.plan.region}, comparing UserCreateDate and UserLastModifiedDate.`;
  if (gained.counts.users === 0)
    return `\nThe new pool gained nobody since ${gained.since}: nobody has anything to redo.`;
  return `\nThe new pool gained ${gained.counts.users} user(s) since ${gained.since}; after the rollback:\n${gainedLines(
    gained.counts,
  )
    .map((line) => `- ${line}`)
    .join('\n')}\nTheir usernames (not here: they are personal data): ${fetch}`;
}

/** What users are told to redo, when anyone signed up or changed something in the new pool. */
function gainedForUsers(gained: NoticeDetail['gained']): string {
  if (!gained || ('counts' in gained && gained.counts.signedUp + gained.counts.changed === 0)) return '';
  return ` If you created your account, or changed your password or profile, since ${gained.since.slice(0, 16).replace('T', ' ')} UTC, please do it again: that was saved in the new system, which is no longer used.`;
}

/**
 * Whether users were told maintenance started more often than that it ended: each cutover that
 * tells them it started owes them one end, its own "complete" or its rollback's "called off".
 */
async function usersAwaitEnd(ctx: StepContext): Promise<boolean> {
  const told = await listNotices(ctx.ledger);
  const count = (event: NoticeEvent) => told.filter((n) => n.endsWith(`#${event}#users`)).length;
  return count('started') > count('done') + count('rolled-back');
}

/** Users hear "called off" only while they wait to hear that the maintenance they were told of ended. */
async function usersOwedRollbackNotice(ctx: StepContext, startedBy: string | undefined): Promise<boolean> {
  if (startedBy) return noticeSent(ctx.ledger, `${startedBy}#started#users`);
  return usersAwaitEnd(ctx);
}

interface Message {
  subject: string;
  body: string;
}

function forUsers(ctx: StepContext, event: NoticeEvent, detail: NoticeDetail): Message | undefined {
  const minutes = Math.ceil(
    (ctx.plan.dns.cutoverTtlSeconds +
      ctx.plan.health.intervalSeconds * ctx.plan.health.requiredPasses +
      120) /
      60,
  );
  switch (event) {
    case 'started':
      return {
        subject: 'Sign-in maintenance is starting',
        // Sent before the TTL drain and the go/no-go: the freeze itself may be a while off yet.
        body: `We are moving sign-in to a new system. Shortly, saving changes will be paused for about ${minutes} minutes; you can sign in and read as usual throughout. We will tell you when it is over.`,
      };
    case 'done':
      return {
        subject: 'Sign-in maintenance is complete',
        body: 'Maintenance is over and you can save changes again. The first time you sign in, use your usual password.',
      };
    case 'rolled-back':
      return {
        subject: 'Sign-in maintenance was called off',
        body: `We called off the maintenance and everything is as it was before. You can save changes again.${gainedForUsers(detail.gained)}`,
      };
    case 'rollback-incomplete':
      return undefined;
  }
}

function forOperators(ctx: StepContext, event: NoticeEvent, detail: NoticeDetail): Message {
  const id = ctx.plan.migrationId;
  const failure = detail.failure
    ? `\nFailure: ${detail.failure.Error ?? 'unknown'}: ${detail.failure.Cause ?? ''}`
    : '';
  switch (event) {
    case 'started':
      return {
        subject: `[cutover] ${id} started`,
        body: `Execution ${ctx.executionId} started the cutover of ${id}.`,
      };
    case 'done':
      return {
        subject: `[cutover] ${id} succeeded`,
        body: `Execution ${ctx.executionId} switched ${id} to the new pool.`,
      };
    case 'rolled-back':
      return {
        subject: `[cutover] ${id} rolled back`,
        body: detail.startedBy
          ? `Execution ${detail.startedBy} failed and ${ctx.executionId} restored every change it made.${failure}${gainedForOperators(ctx, detail.gained)}\nNext: fix the cause, run a dry-run, then start the cutover again.`
          : `Rollback ${ctx.executionId}, started by an operator, restored every change of ${id} left in the ledger and released the lock.${gainedForOperators(ctx, detail.gained)}\nNext: fix the cause, run a dry-run, then start the cutover again.`,
      };
    case 'rollback-incomplete':
      return {
        subject: `[cutover] ${id} ROLLBACK INCOMPLETE: action needed`,
        body: `Execution ${ctx.executionId} failed and could not restore everything.${failure}${detail.error ? `\nRollback stopped: ${detail.error}` : ''}\nStill to restore by hand (resource, current value, value to restore):\n${JSON.stringify(detail.remaining ?? [], null, 2)}\nThe migration lock stays held until this is resolved.`,
      };
  }
}

/**
 * Tells users and operators, once per execution, event and audience, however often the step is
 * retried: each audience's notice is recorded as soon as it is sent.
 */
export async function notify(ctx: StepContext, event: NoticeEvent, detail: NoticeDetail = {}) {
  const audiences = [
    { audience: 'users', topicArn: ctx.plan.notify.usersTopicArn, message: forUsers(ctx, event, detail) },
    {
      audience: 'operators',
      topicArn: ctx.plan.notify.operatorsTopicArn,
      message: forOperators(ctx, event, detail),
    },
  ].filter((m): m is { audience: string; topicArn: string; message: Message } => m.message !== undefined);
  const topics = audiences.map((m) => m.topicArn);
  if (ctx.plan.dryRun) return { sent: false, topics };
  let sent = false;
  for (const { audience, topicArn, message } of audiences) {
    if (event === 'rolled-back' && audience === 'operators' && detail.nothingLeft) continue;
    // Users are told a cutover was called off once, whichever rollback execution tells them.
    const notice =
      event === 'rolled-back' && audience === 'users' && detail.startedBy
        ? `${detail.startedBy}#${event}#${audience}`
        : `${ctx.executionId}#${event}#${audience}`;
    if (await noticeSent(ctx.ledger, notice)) continue;
    if (
      audience === 'users' &&
      event === 'rolled-back' &&
      !(await usersOwedRollbackNotice(ctx, detail.startedBy))
    )
      continue;
    await named(
      `publishing "${message.subject}" to ${topicArn}`,
      aws
        .sns(ctx.plan.region)
        .send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.body })),
    );
    await recordNotice(ctx.ledger, notice);
    sent = true;
  }
  return { sent, topics };
}
