import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AccessDenied, AwsCallFailed, AwsThrottled, ResourceNotFound } from '../errors.ts';

/**
 * The one place that builds SDK clients. Clients are built once per container and region.
 *
 * A rehearsal installs a `Transport`: every client built afterwards carries one middleware that
 * hands the command (`context.commandName`, `args.input`) to it instead of the network. The
 * production code paths, serializers aside, stay exactly as deployed.
 */
export interface Transport {
  send(request: { service: string; command: string; input: object; region: string }): Promise<object>;
  /** An undici dispatcher for HTTP health checks (a MockAgent in rehearsals). */
  readonly dispatcher?: unknown;
}

let transport: Transport | undefined;
const cache = new Map<string, unknown>();

export function useTransport(next: Transport | undefined): void {
  transport = next;
  cache.clear();
}

export function currentDispatcher(): unknown {
  return transport?.dispatcher;
}

interface SdkClient {
  middlewareStack: { add: (...args: never[]) => void };
}
type Ctor<C> = new (config: { region: string; maxAttempts?: number }) => C;

function build<C extends SdkClient>(Client: Ctor<C>, region: string): C {
  const key = `${Client.name}:${region}`;
  const cached = cache.get(key) as C | undefined;
  if (cached) return cached;
  // The SDK retries a blip; throttling that outlasts it reaches the state machine's Retry.
  const client = new Client({ region, maxAttempts: 3 });
  const sandbox = transport;
  if (sandbox) {
    const middleware =
      (_next: unknown, context: { clientName?: string; commandName?: string }) =>
      async (args: { input: object }) => {
        const output = await sandbox.send({
          service: (context.clientName ?? '').replace(/Client$/, ''),
          command: (context.commandName ?? '').replace(/Command$/, ''),
          input: args.input,
          region,
        });
        return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
      };
    (client.middlewareStack.add as (m: unknown, o: object) => void)(middleware, {
      step: 'initialize',
      name: 'sandboxTransport',
      priority: 'high',
    });
  }
  cache.set(key, client);
  return client;
}

export const aws = {
  apiGateway: (region: string) => build(APIGatewayClient, region),
  cloudWatch: (region: string) => build(CloudWatchClient, region),
  cognito: (region: string) => build(CognitoIdentityProviderClient, region),
  dynamoDb: (region: string) => build(DynamoDBClient, region),
  ecs: (region: string) => build(ECSClient, region),
  iam: (region: string) => build(IAMClient, region),
  lambda: (region: string) => build(LambdaClient, region),
  route53: (region: string) => build(Route53Client, region),
  secrets: (region: string) => build(SecretsManagerClient, region),
  sns: (region: string) => build(SNSClient, region),
  ssm: (region: string) => build(SSMClient, region),
};

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'InternalServiceError',
  'InternalServerErrorException',
  'TimeoutError',
  'ResourceConflictException',
  'ConflictException',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
]);
const NOT_FOUND = new Set([
  'NotFound',
  'NotFoundException',
  'NoSuchHostedZone',
  'NoSuchChange',
  'ParameterNotFound',
  'ResourceNotFoundException',
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  'UserNotFoundException',
]);

/** Maps an SDK exception to the named error the state machine Retries or Catches. */
export function toNamedError(error: unknown, what: string): Error {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = `${what}: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  const retryable = (error as { $retryable?: unknown })?.$retryable !== undefined;
  if (THROTTLED.has(name) || retryable) return new AwsThrottled(message, { cause: error });
  if (DENIED.has(name)) return new AccessDenied(message, { cause: error });
  if (NOT_FOUND.has(name)) return new ResourceNotFound(message, { cause: error });
  return new AwsCallFailed(message, { cause: error });
}

/** Awaits an SDK call and turns any failure into a named error that says what was being done. */
export async function named<T>(what: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw toNamedError(error, what);
  }
}

/** True when a named error means "that resource does not exist". */
export function isNotFound(error: unknown, ...sdkNames: string[]): boolean {
  if (!(error instanceof ResourceNotFound)) return false;
  return sdkNames.length === 0 || sdkNames.includes((error.cause as Error | undefined)?.name ?? '');
}
