/**
 * One SDK client per service, built by the one factory in clients.ts. Import it as a namespace
 * (`import * as aws from './aws.ts'`, then `aws.ssm(region)`): each accessor is its own
 * export, so esbuild keeps in a function's bundle only the SDK clients that function's code
 * reaches. As properties of one object, or through a computed `aws[name]`, all twelve would ship
 * in every bundle (test/aws/bundles.test.ts guards it).
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { build } from './clients.ts';

export const apiGateway = (region: string) => build(APIGatewayClient, region);
export const cloudWatch = (region: string) => build(CloudWatchClient, region);
export const cognito = (region: string) => build(CognitoIdentityProviderClient, region);
export const dynamoDb = (region: string) => build(DynamoDBClient, region);
export const ecs = (region: string) => build(ECSClient, region);
export const iam = (region: string) => build(IAMClient, region);
export const lambda = (region: string) => build(LambdaClient, region);
export const route53 = (region: string) => build(Route53Client, region);
export const secrets = (region: string) => build(SecretsManagerClient, region);
/** The `cutover` CLI drives Step Functions; of the functions, only acquireLock looks up an execution. */
export const sfn = (region: string) => build(SFNClient, region);
export const sns = (region: string) => build(SNSClient, region);
export const ssm = (region: string) => build(SSMClient, region);
