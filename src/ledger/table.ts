import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as aws from '../aws/aws.ts';

/**
 * The ledger: one DynamoDB item per migration for the lock, one per changed resource, one per
 * notice sent and one for the plan. A change is written as `pending` with the resource's state
 * *before* the mutation, then marked `applied` after it, so a crash between the two still leaves
 * rollback enough to restore. DynamoDB Local emulators have no transactions, so every write is a
 * single conditional write.
 *
 *   pk = migrationId, sk = "LOCK"             owner, status (held | released), seq counter
 *   pk = migrationId, sk = "CHANGE#<key>"     kind, ref, before, after, status, seq, step
 *   pk = migrationId, sk = "NOTICE#<notice>"  sentAt
 *   pk = migrationId, sk = "PLAN"             plan, recordedAt
 *
 * One module per kind of item (lock.ts, changes.ts, notices.ts, plan.ts), so each function's role
 * is granted the DynamoDB verbs of the items it touches (src/iam/manifest.ts follows imports).
 */

export interface LedgerLocation {
  table: string;
  region: string;
  migrationId: string;
}

export const LOCK = 'LOCK';

export function db(at: LedgerLocation) {
  return aws.dynamoDb(at.region);
}

export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === ConditionalCheckFailedException.name;
}
