import { ResourceNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { fail } from '../core.ts';
import type { UserPool, UserPoolClient, World } from '../world.ts';

/** A pool by id, or Cognito's refusal. */
export function poolOf(world: World, id: string | undefined): UserPool {
  return world.pools.get(id ?? '') ?? fail(ResourceNotFoundException, `User pool ${id} does not exist.`);
}

/** One of the pool's app clients, or Cognito's refusal. */
export function clientOf(pool: UserPool, clientId: string | undefined): UserPoolClient {
  return (
    pool.clients.get(clientId ?? '') ??
    fail(ResourceNotFoundException, `User pool client ${clientId} does not exist.`)
  );
}
