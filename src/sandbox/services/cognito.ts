import {
  CognitoIdentityProviderServiceException,
  type DescribeUserPoolClientCommandInput,
  type DescribeUserPoolClientCommandOutput,
  type DescribeUserPoolCommandInput,
  type DescribeUserPoolCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Env, fail, type Out, type ServiceModel } from '../core.ts';
import type { UserPool, World } from '../world.ts';

function poolOf(world: World, id: string | undefined): UserPool {
  return world.pools.get(id ?? '') ?? fail(ResourceNotFoundException, `User pool ${id} does not exist.`);
}

function DescribeUserPool(
  input: DescribeUserPoolCommandInput,
  { world }: Env,
): Out<DescribeUserPoolCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  return {
    UserPool: {
      Id: pool.id,
      Name: pool.name,
      Arn: pool.arn,
      LambdaConfig: { ...pool.lambdaConfig },
      CreationDate: new Date(pool.createdAt),
      LastModifiedDate: new Date(pool.createdAt),
      MfaConfiguration: 'OFF',
      EstimatedNumberOfUsers: 0,
      DeletionProtection: 'ACTIVE',
    },
  };
}

function DescribeUserPoolClient(
  input: DescribeUserPoolClientCommandInput,
  { world }: Env,
): Out<DescribeUserPoolClientCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  const client =
    pool.clients.get(input.ClientId ?? '') ??
    fail(ResourceNotFoundException, `User pool client ${input.ClientId} does not exist.`);
  return {
    UserPoolClient: {
      UserPoolId: pool.id,
      ClientId: client.clientId,
      ClientName: client.clientName,
      ExplicitAuthFlows: [...client.explicitAuthFlows],
      CreationDate: new Date(pool.createdAt),
      LastModifiedDate: new Date(pool.createdAt),
      RefreshTokenValidity: 30,
      AllowedOAuthFlowsUserPoolClient: false,
    },
  };
}

export const cognito: ServiceModel = {
  exception: CognitoIdentityProviderServiceException,
  commands: { DescribeUserPool, DescribeUserPoolClient },
};
