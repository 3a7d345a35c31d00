import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { migrateUser, userMigrationConfigFromEnv } from '../src/triggers/user-migration.ts';

const config = userMigrationConfigFromEnv();

export const handler = async (event: UserMigrationTriggerEvent) => migrateUser(event, config);
