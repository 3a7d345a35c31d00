import {
  type GetTopicAttributesCommandInput,
  type GetTopicAttributesCommandOutput,
  InvalidParameterException,
  NotFoundException,
  type PublishCommandInput,
  type PublishCommandOutput,
  SNSServiceException,
} from '@aws-sdk/client-sns';
import { type Env, fail, type Out, type ServiceModel, uuid } from '../core.ts';
import type { World } from '../world.ts';

function topicOf(world: World, arn: string | undefined): string {
  return arn && world.topics.has(arn) ? arn : fail(NotFoundException, 'Topic does not exist');
}

/** SNS refuses a subject that is not printable ASCII, starts with a space, or runs past 100 characters. */
const VALID_SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;
const MAX_MESSAGE_BYTES = 262_144;

function Publish(input: PublishCommandInput, { world, now }: Env): Out<PublishCommandOutput> {
  const topicArn = topicOf(world, input.TopicArn ?? input.TargetArn);
  if (input.Subject !== undefined && !VALID_SUBJECT.test(input.Subject)) {
    fail(InvalidParameterException, 'Invalid parameter: Subject');
  }
  if (!input.Message) fail(InvalidParameterException, 'Invalid parameter: Empty message');
  if (Buffer.byteLength(input.Message) > MAX_MESSAGE_BYTES) {
    fail(InvalidParameterException, 'Invalid parameter: Message too long');
  }
  world.messages.push({
    topicArn,
    message: input.Message,
    at: now,
    ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
  });
  return { MessageId: uuid(world) };
}

function GetTopicAttributes(
  input: GetTopicAttributesCommandInput,
  { world }: Env,
): Out<GetTopicAttributesCommandOutput> {
  const arn = topicOf(world, input.TopicArn);
  return {
    Attributes: {
      TopicArn: arn,
      Owner: world.accountId,
      DisplayName: '',
      SubscriptionsConfirmed: '1',
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
      Policy: JSON.stringify({ Version: '2008-10-17', Id: '__default_policy_ID', Statement: [] }),
    },
  };
}

export const sns: ServiceModel = {
  exception: SNSServiceException,
  commands: { Publish, GetTopicAttributes },
};
