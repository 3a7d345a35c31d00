import { migrateUser, userMigrationConfigFromEnv } from '../src/triggers/user-migration.ts';

const config = userMigrationConfigFromEnv();

// migrateUser parses the event itself: the sandbox and the emulator tests call it without this handler.
export const handler = async (event: unknown) => migrateUser(event, config);
