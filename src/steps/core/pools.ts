import {
  DescribeUserPoolCommand,
  type LambdaConfigType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import type { Placeholder, Plan } from '../../plan/schema.ts';

export interface PoolFacts {
  oldPoolArn: string;
  newPoolArn: string;
  /** The new pool's triggers, as its LambdaConfig names them. */
  newPoolTriggers: LambdaConfigType;
  /** Each pool as DescribeUserPool answers: its schema, username configuration, MFA. */
  oldPool: UserPoolType;
  newPool: UserPoolType;
}

/** One pool as DescribeUserPool answers; `which` (old, new) names it in an error. */
export async function describePool(region: string, userPoolId: string, which: string) {
  const out = await named(
    `describing the ${which} user pool ${userPoolId}`,
    aws.cognito(region).send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
  );
  return {
    arn: out.UserPool?.Arn ?? `arn:aws:cognito-idp:${region}:unknown:userpool/${userPoolId}`,
    triggers: out.UserPool?.LambdaConfig ?? {},
    described: out.UserPool ?? {},
  };
}

export async function poolFacts(plan: Plan): Promise<PoolFacts> {
  const [oldPool, newPool] = await Promise.all([
    describePool(plan.region, plan.oldPool.userPoolId, 'old'),
    describePool(plan.region, plan.newPool.userPoolId, 'new'),
  ]);
  return {
    oldPoolArn: oldPool.arn,
    newPoolArn: newPool.arn,
    newPoolTriggers: newPool.triggers,
    oldPool: oldPool.described,
    newPool: newPool.described,
  };
}

/** Fills `{{newPool.userPoolId}}` and friends in a binding's value. */
export function fillTemplate(
  template: string,
  plan: Plan,
  pools: Pick<PoolFacts, 'newPoolArn' | 'oldPoolArn'>,
): string {
  const values: Record<Placeholder, string> = {
    'newPool.userPoolId': plan.newPool.userPoolId,
    'newPool.appClientId': plan.newPool.appClientId,
    'newPool.userPoolArn': pools.newPoolArn,
    'oldPool.userPoolId': plan.oldPool.userPoolId,
    'oldPool.userPoolArn': pools.oldPoolArn,
  };
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) => values[name as Placeholder]);
}
