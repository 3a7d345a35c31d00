import { AdminListGroupsForUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../aws/aws.ts';
import type { OldPool } from './old-pool.ts';

// Its own module: moving a user (src/steps/core/move-user.ts) reads their groups this way, and is
// granted only what this file sends (src/iam/manifest.ts follows imports file by file).

/** Every group the old pool has `username` in, 60 at a time as AdminListGroupsForUser allows. */
export async function oldGroups(
  old: OldPool,
  username: string,
  abortSignal?: AbortSignal,
): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws.cognito(old.region).send(
      new AdminListGroupsForUserCommand({
        UserPoolId: old.oldUserPoolId,
        Username: username,
        Limit: 60,
        NextToken,
      }),
      abortSignal ? { abortSignal } : {},
    );
    names.push(...(page.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : [])));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}
