import { TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { fail, type Handler } from '../core.ts';
import type { World } from '../world.ts';

/**
 * Cognito's request-rate quotas, by category: every call of an operation in a category counts against
 * one rate for the whole account and Region, whichever pool it names, and a call over it is refused
 * with TooManyRequestsException (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html:
 * "the category UserCreation includes four operations: SignUp, ConfirmSignUp, AdminCreateUser, and
 * AdminConfirmSignUp. It's allocated with a combined quota of 50 RPS"; ListUsers is UserList, 30 RPS).
 * Only the categories whose operations this product sends in bulk are modelled.
 */
export type QuotaCategory = 'UserCreation' | 'UserList';

export const DEFAULT_QUOTAS: Record<QuotaCategory, number> = { UserCreation: 50, UserList: 30 };

const CATEGORY_OF: Record<string, QuotaCategory> = {
  SignUp: 'UserCreation',
  ConfirmSignUp: 'UserCreation',
  AdminCreateUser: 'UserCreation',
  AdminConfirmSignUp: 'UserCreation',
  ListUsers: 'UserList',
  ListUsersInGroup: 'UserList',
};

interface Window {
  second: number;
  counts: Map<QuotaCategory, number>;
  quotas: Record<QuotaCategory, number>;
}

/** Per world (one account and Region): the calls of the current second of virtual time, per category. */
const windows = new WeakMap<World, Window>();

function windowOf(world: World): Window {
  let window = windows.get(world);
  if (!window) {
    window = { second: Number.NaN, counts: new Map(), quotas: { ...DEFAULT_QUOTAS } };
    windows.set(world, window);
  }
  return window;
}

/** A quota raised (or, for a throttling storm, lowered) for this world, as Service Quotas would. */
export function setQuota(world: World, category: QuotaCategory, perSecond: number): void {
  windowOf(world).quotas[category] = perSecond;
}

/** Counts the call against its category's rate for this second of virtual time; over it, refuses. */
function admit(world: World, command: string, now: number): void {
  const category = CATEGORY_OF[command];
  if (!category) return;
  const window = windowOf(world);
  const second = Math.floor(now / 1000);
  if (second !== window.second) {
    window.second = second;
    window.counts.clear();
  }
  const count = window.counts.get(category) ?? 0;
  if (count >= window.quotas[category]) {
    fail(
      TooManyRequestsException,
      `Too many requests: the ${category} rate of ${window.quotas[category]} per second is used up.`,
    );
  }
  window.counts.set(category, count + 1);
}

/** The commands, each admitted against its category's rate before it runs. */
export function rateLimited(commands: Record<string, Handler>): Record<string, Handler> {
  return Object.fromEntries(
    Object.entries(commands).map(([command, handler]) => [
      command,
      ((input, env) => {
        admit(env.world, command, env.now);
        return handler(input, env);
      }) satisfies Handler,
    ]),
  );
}
