import { ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';

/** The ids of every app client of a pool, listed 60 at a time (ListUserPoolClients' most). */
export async function appClientIds(region: string, userPoolId: string): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await named(
      `listing the app clients of ${userPoolId}`,
      aws
        .cognito(region)
        .send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken })),
    );
    ids.push(...(page.UserPoolClients ?? []).flatMap((c) => (c.ClientId ? [c.ClientId] : [])));
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
}
