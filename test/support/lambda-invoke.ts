import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LambdaFunction = (event: unknown) => unknown;

/**
 * One invocation, as a test may look at it. The event itself is never kept: a UserMigration event
 * carries the user's password.
 */
export interface Invocation {
  functionName: string;
  triggerSource: string | undefined;
  userPoolId: string | undefined;
  /** Time spent in the function itself, as Lambda would bill it. */
  durationMs: number;
  /** Set when the function threw: the error's name and message, as Lambda reports them. */
  error?: { errorType: string; errorMessage: string };
}

export interface LambdaInvokeServer {
  /** http://127.0.0.1:<port>, for an SDK's Lambda `endpoint`. */
  readonly url: string;
  readonly invocations: readonly Invocation[];
  /** Deploys (or redeploys) a function under `name`. */
  define(name: string, fn: LambdaFunction): void;
  invocationsOf(name: string): Invocation[];
  stop(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The Lambda Invoke API (RequestResponse) over HTTP on 127.0.0.1, answering with in-process functions.
 * A function that throws is answered the way Lambda answers it: 200, `X-Amz-Function-Error: Unhandled`
 * and `{ errorType, errorMessage }`, which is what Cognito (and cognito-local) turn into a refusal.
 */
export async function startLambdaInvokeServer(): Promise<LambdaInvokeServer> {
  const functions = new Map<string, LambdaFunction>();
  const invocations: Invocation[] = [];

  async function invoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const name = decodeURIComponent(INVOKE_PATH.exec(request.url ?? '')?.[1] ?? '');
    const body = await readBody(request);
    const fn = functions.get(name);
    if (request.method !== 'POST' || fn === undefined) {
      reply(
        response,
        404,
        { Type: 'User', message: `Function not found: ${name}` },
        {
          'X-Amzn-ErrorType': 'ResourceNotFoundException',
        },
      );
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(body === '' ? 'null' : body);
    } catch {
      reply(
        response,
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        {
          'X-Amzn-ErrorType': 'InvalidRequestContentException',
        },
      );
      return;
    }
    const { triggerSource, userPoolId } = (event ?? {}) as { triggerSource?: string; userPoolId?: string };
    const started = performance.now();
    try {
      const result = await fn(event);
      invocations.push({
        functionName: name,
        triggerSource,
        userPoolId,
        durationMs: performance.now() - started,
      });
      reply(response, 200, result ?? null);
    } catch (thrown) {
      const durationMs = performance.now() - started;
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      const reported = { errorType: error.name, errorMessage: error.message };
      invocations.push({ functionName: name, triggerSource, userPoolId, durationMs, error: reported });
      reply(response, 200, { ...reported, trace: [] }, { 'X-Amz-Function-Error': 'Unhandled' });
    }
  }

  const server = createServer((request, response) => {
    invoke(request, response).catch((error: unknown) => {
      if (!response.headersSent) reply(response, 500, { message: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    define: (name, fn) => {
      functions.set(name, fn);
    },
    invocationsOf: (name) => invocations.filter((invocation) => invocation.functionName === name),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // cognito-local's SDK keeps connections alive; close would otherwise wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
