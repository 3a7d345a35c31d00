import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsTransient } from '../../src/errors.ts';
import { notify } from '../../src/steps/notify.ts';
import {
  context,
  dryRunPlan,
  EXECUTION,
  forgetCalls,
  ledger,
  mocks,
  mutations,
  OTHER_EXECUTION,
  planWith,
} from './aws-mocks.ts';

const users = 'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-users';
const operators = 'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-operators';

beforeEach(() => {
  mocks.sns.on(PublishCommand).resolves({ MessageId: 'm1' });
});

describe('notify', () => {
  it('tells users, then operators, recording each notice in the ledger as it is sent', async () => {
    const result = await notify(context(), 'started');

    expect(mutations()).toEqual(['Publish', 'PutItem', 'Publish', 'PutItem']);
    expect(mocks.sns).toHaveReceivedNthCommandWith(PublishCommand, 1, {
      TopicArn: users,
      Subject: 'Sign-in maintenance is starting',
    });
    expect(mocks.sns).toHaveReceivedNthCommandWith(PublishCommand, 2, {
      TopicArn: operators,
      Subject: '[cutover] tis-prod-pool-v1-to-v2 started',
    });
    expect(mocks.dynamoDb).toHaveReceivedLastCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ sk: { S: `NOTICE#${EXECUTION}#started#operators` } }),
    });
    expect(result).toEqual({ sent: true, topics: [users, operators] });
  });

  it('tells users how long saving is paused', async () => {
    await notify(context(), 'started');

    const [toUsers] = mocks.sns.commandCalls(PublishCommand);
    // 60 s cutover TTL + 3 passes x 30 s + 120 s margin = 270 s, about 5 minutes.
    expect(toUsers?.args[0].input.Message).toContain('saving changes will be paused for about 5 minutes');
  });

  it('publishes nothing when the notice is already in the ledger', async () => {
    await notify(context(), 'done');
    forgetCalls();

    const result = await notify(context(), 'done');

    expect(mutations()).toEqual([]);
    expect(result.sent).toBe(false);
  });

  it('publishes nothing for a notice an earlier attempt recorded', async () => {
    ledger.seedNotice(`${EXECUTION}#rolled-back#users`);
    ledger.seedNotice(`${EXECUTION}#rolled-back#operators`);

    await notify(context(), 'rolled-back');

    expect(mutations()).toEqual([]);
  });

  it('tells only operators that a rollback is incomplete, with what is left to restore by hand', async () => {
    const remaining = [{ resource: 'secret:usermanagement-cognito-prod', current: 'new', restoreTo: 'old' }];

    const result = await notify(context(), 'rollback-incomplete', { remaining });

    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: operators,
      Subject: '[cutover] tis-prod-pool-v1-to-v2 ROLLBACK INCOMPLETE: action needed',
      Message: expect.stringContaining('"resource": "secret:usermanagement-cognito-prod"'),
    });
    expect(result.topics).toEqual([operators]);
  });

  it('in a dry-run publishes nothing', async () => {
    const result = await notify(context(dryRunPlan()), 'started');

    expect(mutations()).toEqual([]);
    expect(result).toEqual({ sent: false, topics: [users, operators] });
  });

  it('does not tell users twice when the retry follows a throttled publish to operators', async () => {
    mocks.sns
      .on(PublishCommand, { TopicArn: operators })
      .rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));
    await expect(notify(context(), 'started')).rejects.toBeInstanceOf(AwsTransient);
    mocks.sns.on(PublishCommand, { TopicArn: operators }).resolves({ MessageId: 'm2' });

    await notify(context(), 'started');

    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 3);
  });

  describe('after a rollback, what the new pool gained', () => {
    const ROLLBACK = 'arn:aws:states:eu-west-1:111122223333:execution:cognito-cutover-prod-rollback:r-1';
    const since = '2025-03-10T07:30:00.000Z';
    const counts = { users: 15, signedUp: 3, migrated: 10, changed: 2 };
    const messages = () =>
      Object.fromEntries(
        mocks.sns
          .commandCalls(PublishCommand)
          .map((c) => [c.args[0].input.TopicArn, c.args[0].input.Message]),
      );

    it('gives operators the counts, what each kind of user meets, and the command that lists them', async () => {
      // Arrange
      ledger.seedNotice(`${OTHER_EXECUTION}#started#users`);

      // Act
      await notify(context(planWith(), ROLLBACK), 'rolled-back', {
        startedBy: OTHER_EXECUTION,
        gained: { since, counts },
      });

      // Assert
      const text = messages()[operators];
      expect(text).toContain(`The new pool gained 15 user(s) since ${since}`);
      expect(text).toContain('- 3 signed up in the new pool: must sign up again');
      expect(text).toContain(
        '- 2 changed their password or profile in the new pool: must use the old password',
      );
      expect(text).toContain(
        '- 10 were migrated (at sign-in, or by a sweep) and changed nothing there: nothing to redo',
      );
      expect(text).toContain(
        'cutover gained --migration-id tis-prod-pool-v1-to-v2 --stage prod --region eu-west-1',
      );
    });

    it('asks users who signed up or changed something since the cutover began to do it again', async () => {
      // Arrange
      ledger.seedNotice(`${OTHER_EXECUTION}#started#users`);

      // Act
      await notify(context(planWith(), ROLLBACK), 'rolled-back', {
        startedBy: OTHER_EXECUTION,
        gained: { since, counts },
      });

      // Assert
      expect(messages()[users]).toContain(
        'If you created your account, or changed your password or profile, since 2025-03-10 07:30 UTC, please do it again',
      );
    });

    it('asks nobody to redo anything when the new pool only gained migrated users', async () => {
      // Arrange
      ledger.seedNotice(`${OTHER_EXECUTION}#started#users`);
      const migratedOnly = { users: 4, signedUp: 0, migrated: 4, changed: 0 };

      // Act
      await notify(context(planWith(), ROLLBACK), 'rolled-back', {
        startedBy: OTHER_EXECUTION,
        gained: { since, counts: migratedOnly },
      });

      // Assert
      expect(messages()[users]).not.toContain('please do it again');
      expect(messages()[operators]).toContain('4 were migrated (at sign-in, or by a sweep)');
    });

    it('tells operators how to list the users themselves when the count failed', async () => {
      // Act
      await notify(context(planWith(), ROLLBACK), 'rolled-back', {
        gained: { since, error: 'AwsTransient: ListUsers throttled' },
      });

      // Assert
      const text = messages()[operators];
      expect(text).toContain('could not be counted (AwsTransient: ListUsers throttled)');
      expect(text).toContain(
        'aws cognito-idp list-users --user-pool-id eu-west-2_NewPool01 --region eu-west-2',
      );
    });
  });
});
