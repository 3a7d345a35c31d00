import { parseInput } from '../src/steps/core/input.ts';
import { migrateOneUser, migrateUserConfigFromEnv, migrateUserRequest } from '../src/steps/migrate-user.ts';

const config = migrateUserConfigFromEnv();

/** `{ "username": "..." }` → what happened to that user: moved, already in the new pool, not in the old one, or refused. */
export const handler = async (event: unknown) =>
  migrateOneUser(parseInput(migrateUserRequest, event), config);
