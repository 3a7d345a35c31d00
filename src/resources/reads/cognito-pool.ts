// Read side of ../cognito-pool.ts, apart from its writes: Preflight loads every kind's reads.

import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import type { ResourceReader } from '../resource.ts';

export interface PoolRef {
  userPoolId: string;
}

/** The Lambda function the pool runs as its UserMigration trigger, or null for none. */
export interface TriggerState {
  userMigration: string | null;
}

export interface ClientRef {
  userPoolId: string;
  clientId: string;
}

/** What decides whether anyone can sign in through an app client: its flows, and managed login's OAuth. */
export interface ClientState {
  explicitAuthFlows: ExplicitAuthFlowsType[];
  oauth: boolean;
}

export async function describePool(region: string, userPoolId: string) {
  const out = await named(
    `describing the user pool ${userPoolId}`,
    aws.cognito(region).send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
  );
  return out.UserPool ?? {};
}

export async function describeClient(region: string, ref: ClientRef) {
  const out = await named(
    `describing app client ${ref.clientId} of the user pool ${ref.userPoolId}`,
    aws
      .cognito(region)
      .send(new DescribeUserPoolClientCommand({ UserPoolId: ref.userPoolId, ClientId: ref.clientId })),
  );
  return out.UserPoolClient ?? {};
}

export const cognitoMigrationTriggerReader: ResourceReader<PoolRef, TriggerState> = {
  kind: 'cognito-migration-trigger',
  key: (ref) => `cognito-migration-trigger:${ref.userPoolId}`,
  label: (ref) => `the UserMigration trigger of user pool ${ref.userPoolId}`,
  async read(region, ref) {
    return {
      userMigration: (await describePool(region, ref.userPoolId)).LambdaConfig?.UserMigration ?? null,
    };
  },
};

export const cognitoAppClientReader: ResourceReader<ClientRef, ClientState> = {
  kind: 'cognito-app-client',
  key: (ref) => `cognito-app-client:${ref.userPoolId}/${ref.clientId}`,
  label: (ref) => `app client ${ref.clientId} of user pool ${ref.userPoolId}`,
  async read(region, ref) {
    const client = await describeClient(region, ref);
    return {
      explicitAuthFlows: [...(client.ExplicitAuthFlows ?? [])].sort(),
      oauth: client.AllowedOAuthFlowsUserPoolClient === true,
    };
  },
};
