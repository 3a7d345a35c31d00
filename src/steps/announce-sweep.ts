import { PublishCommand } from '@aws-sdk/client-sns';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { SweepNotDue } from '../errors.ts';
import { noticeSentAt, recordNotice } from '../ledger/notices.ts';
import type { LedgerLocation } from '../ledger/table.ts';
import type { Plan } from '../plan/schema.ts';
import { announcement, DAY_MS } from './start-sweep.ts';

/**
 * Users are told before the sweep moves them: on the plan's users topic, at least
 * `finish.announceDaysAhead` days before `finish.sweepAfter`. The notice is kept in the ledger, once
 * per cut-off, and the sweep refuses to move anyone without it (src/steps/start-sweep.ts). Operators
 * send it with `cutover sweep --announce`.
 */

/** Tells users when their accounts move; sending it again for the same cut-off tells no one twice. */
export async function announceSweep(plan: Plan, ledger: LedgerLocation) {
  const after = plan.finish.sweepAfter;
  const days = plan.finish.announceDaysAhead;
  const now = nowIso();
  if (!after) {
    throw new SweepNotDue(
      'The plan sets no finish.sweepAfter: set the date the sweep may move users, at least finish.announceDaysAhead days from now, then announce it.',
    );
  }
  const earliest = new Date(Date.parse(now) + days * DAY_MS).toISOString();
  if (Date.parse(after) < Date.parse(earliest)) {
    throw new SweepNotDue(
      `finish.sweepAfter (${after}) is less than finish.announceDaysAhead (${days}) days away: set it to ${earliest} or later, then announce it.`,
    );
  }
  const notice = announcement(after);
  const sentAt = await noticeSentAt(ledger, notice);
  if (sentAt) return { announced: false, sentAt, sweepAfter: after };
  const date = after.slice(0, 10);
  await named(
    'telling users when their accounts move',
    aws.sns(plan.region).send(
      new PublishCommand({
        TopicArn: plan.notify.usersTopicArn,
        Subject: `Your account moves on ${date}: sign in before then to keep your password`,
        Message: [
          `If you have not signed in since we moved to the new sign-in, your account will be moved for you after ${after}.`,
          'Sign in before then and nothing changes for you: you keep your password.',
          `After ${date}, the first time you sign in you will be asked to choose a new password ("forgot password"); your account, groups and history stay as they are.`,
        ].join('\n'),
      }),
    ),
  );
  await recordNotice(ledger, notice);
  return { announced: true, sentAt: now, sweepAfter: after };
}
