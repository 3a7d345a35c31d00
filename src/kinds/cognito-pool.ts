import type { Kind } from './kind.ts';

// What `cutover retire` changes (src/steps/retire-old-pool.ts): no binding or freeze names them.

/** The new pool's UserMigration trigger, detached once nobody is left to migrate. */
export const cognitoMigrationTrigger: Kind<'cognito-migration-trigger', object, unknown> = {
  restoredBy: { service: 'CognitoIdentityProvider', command: 'UpdateUserPool' },
  commands: {
    read: ['CognitoIdentityProvider:DescribeUserPool'],
    write: ['CognitoIdentityProvider:UpdateUserPool'],
  },
};

/** An app client of the old pool, through which nobody signs in once it is retired. */
export const cognitoAppClient: Kind<'cognito-app-client', object, unknown> = {
  restoredBy: { service: 'CognitoIdentityProvider', command: 'UpdateUserPoolClient' },
  commands: {
    read: ['CognitoIdentityProvider:DescribeUserPoolClient'],
    write: ['CognitoIdentityProvider:UpdateUserPoolClient'],
  },
};
