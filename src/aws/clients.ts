import { AccessDenied, AwsCallFailed, AwsTransient, ResourceNotFound } from '../errors.ts';

/**
 * The one place that builds SDK clients. Clients are built once per container and region.
 * Callers get them through src/aws/aws.ts, one export per service.
 *
 * A rehearsal installs a `Transport`: every client built afterwards carries one middleware that
 * hands the command (`context.commandName`, `args.input`) to it instead of the network. The
 * production code paths, serializers aside, stay exactly as deployed.
 */
export interface Transport {
  send(request: { service: string; command: string; input: object; region: string }): Promise<object>;
  /** An undici dispatcher for HTTP health checks (a MockAgent in rehearsals). */
  readonly dispatcher?: unknown;
  /** Services left to the network, by client name without `Client` (`DynamoDB`). */
  readonly network?: ReadonlySet<string>;
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

/** Builds (or returns the cached) client of one SDK class for a region; src/aws/aws.ts names one per service. */
export function build<C extends SdkClient>(Client: Ctor<C>, region: string): C {
  const key = `${Client.name}:${region}`;
  const cached = cache.get(key) as C | undefined;
  if (cached) return cached;
  // The SDK retries a blip; a transient error that outlasts it reaches the state machine's Retry.
  const client = new Client({ region, maxAttempts: 3 });
  const sandbox = transport;
  if (sandbox && !sandbox.network?.has(Client.name.replace(/Client$/, ''))) {
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

/**
 * Errors that pass: throttling, a service briefly unavailable or failing inside, a timeout, a
 * conflict with an update still in progress. The state machines retry them with backoff.
 */
const TRANSIENT = new Set([
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
  'ExecutionDoesNotExist',
]);

/** Maps an SDK exception to the named error the state machine Retries or Catches. */
export function toNamedError(error: unknown, what: string): Error {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = `${what}: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  const retryable = (error as { $retryable?: unknown })?.$retryable !== undefined;
  if (TRANSIENT.has(name) || retryable) return new AwsTransient(message, { cause: error });
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
