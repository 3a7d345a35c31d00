import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { aws, named } from '../aws/clients.ts';
import type { Placeholder, Plan } from '../plan/schema.ts';

export interface PoolFacts {
  oldPoolArn: string;
  newPoolArn: string;
}

async function poolArn(region: string, userPoolId: string, which: string): Promise<string> {
  const out = await named(
    `describing the ${which} user pool ${userPoolId}`,
    aws.cognito(region).send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
  );
  return out.UserPool?.Arn ?? `arn:aws:cognito-idp:${region}:unknown:userpool/${userPoolId}`;
}

export async function poolFacts(plan: Plan): Promise<PoolFacts> {
  const [oldPoolArn, newPoolArn] = await Promise.all([
    poolArn(plan.region, plan.oldPool.userPoolId, 'old'),
    poolArn(plan.region, plan.newPool.userPoolId, 'new'),
  ]);
  return { oldPoolArn, newPoolArn };
}

/** Fills `{{newPool.userPoolId}}` and friends in a binding's value. */
export function fillTemplate(template: string, plan: Plan, pools: PoolFacts): string {
  const values: Record<Placeholder, string> = {
    'newPool.userPoolId': plan.newPool.userPoolId,
    'newPool.appClientId': plan.newPool.appClientId,
    'newPool.userPoolArn': pools.newPoolArn,
  };
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) => values[name as Placeholder]);
}
