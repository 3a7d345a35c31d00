import { ListGroupsCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { Plan } from '../../plan/schema.ts';

/** Every group of a pool, a page of at most 60 at a time, as ListGroups allows. */
async function groupsOf(region: string, userPoolId: string): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await named(
      `listing the groups of ${userPoolId}`,
      aws.cognito(region).send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60, NextToken })),
    );
    names.push(...(page.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : [])));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

/** How many names a message lists before it says how many more. */
const LISTED = 10;

/**
 * Every group of the old pool exists in the new one. A migrated user's memberships are carried by
 * group name, so a group the new pool lacks leaves its members without it: an empty group claim,
 * and role checks in the dependent services that fail.
 */
export async function groupsCarried(plan: Plan): Promise<string> {
  const [old, now] = await Promise.all([
    groupsOf(plan.region, plan.oldPool.userPoolId),
    groupsOf(plan.region, plan.newPool.userPoolId),
  ]);
  const present = new Set(now);
  const missing = old.filter((name) => !present.has(name));
  if (missing.length > 0) {
    const listed = missing.slice(0, LISTED).join(', ');
    const more = missing.length > LISTED ? ` and ${missing.length - LISTED} more` : '';
    throw new PreflightFailed([
      `the new pool lacks ${missing.length} of the old pool's ${old.length} group(s): ${listed}${more}. Their members would lose them on migration: create each in ${plan.newPool.userPoolId} with the same name (aws cognito-idp create-group --user-pool-id ${plan.newPool.userPoolId} --group-name NAME)`,
    ]);
  }
  return `all ${old.length} group(s) of the old pool are in the new pool`;
}
