import {
  DescribeUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { Plan } from '../../plan/schema.ts';
import { appClientIds } from '../core/app-clients.ts';

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;

/**
 * How long a token of one kind from this client lives. Cognito's default is one hour, and an unset
 * unit is hours
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
 */
function lifetime(client: UserPoolClientType, token: 'AccessToken' | 'IdToken'): number {
  const value = token === 'AccessToken' ? client.AccessTokenValidity : client.IdTokenValidity;
  if (value === undefined) return 3600;
  return value * UNIT_SECONDS[client.TokenValidityUnits?.[token] ?? 'hours'];
}

/** Every app client of a pool, as DescribeUserPoolClient answers, listing them 60 at a time. */
async function clientsOf(region: string, userPoolId: string): Promise<UserPoolClientType[]> {
  const cognito = aws.cognito(region);
  const ids = await appClientIds(region, userPoolId);
  return Promise.all(
    ids.map(async (ClientId) => {
      const out = await named(
        `describing app client ${ClientId} of ${userPoolId}`,
        cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId })),
      );
      return out.UserPoolClient ?? {};
    }),
  );
}

export interface GraceWindow {
  seconds: number;
  /** What Preflight reports: how long, why, and how often it is watched. */
  detail: string;
}

/**
 * The grace window: the longest an access or ID token of any of the old pool's app clients lives,
 * plus the plan's margin, counted from the switch of the services. It must fit the execution's time
 * limit with everything else the cutover waits for.
 */
export async function graceWindow(plan: Plan, budgetSeconds: number): Promise<GraceWindow> {
  const clients = await clientsOf(plan.region, plan.oldPool.userPoolId);
  const lifetimes = clients.flatMap((client) =>
    (['AccessToken', 'IdToken'] as const).map((token) => ({
      seconds: lifetime(client, token),
      client: client.ClientId ?? '?',
      token,
    })),
  );
  const longest = lifetimes.reduce(
    (most, next) => (next.seconds > most.seconds ? next : most),
    lifetimes[0] ?? { seconds: 3600, client: '(none)', token: 'AccessToken' },
  );
  const seconds = longest.seconds + plan.grace.marginSeconds;
  const why = `app client ${longest.client}'s ${longest.token === 'AccessToken' ? 'access' : 'ID'} tokens live ${longest.seconds} s, + ${plan.grace.marginSeconds} s margin`;
  if (seconds > budgetSeconds) {
    throw new PreflightFailed([
      `the grace window would be ${seconds} s (${why}), longer than the ${budgetSeconds} s the cutover's time limit leaves for it: shorten that client's token validity before the cutover, or set grace.enabled to false (every user signed in to the old pool must then sign in again)`,
    ]);
  }
  return { seconds, detail: `${seconds} s (${why}), polled every ${plan.grace.intervalSeconds} s` };
}
