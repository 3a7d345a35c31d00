import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What cognito-local answers unlike Cognito, and Cognito's answer. AdminInitiateAuth with a wrong
 * password: Cognito says NotAuthorizedException "Incorrect username or password.", cognito-local
 * InvalidPasswordException; for a user the pool does not have: Cognito says UserNotFoundException
 * "User does not exist.", cognito-local NotAuthorizedException (it has found the client by then)
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html#API_AdminInitiateAuth_Errors).
 */
const AS_COGNITO: Record<string, Record<string, { type: string; message: string }>> = {
  AdminInitiateAuth: {
    InvalidPasswordException: { type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
    NotAuthorizedException: { type: 'UserNotFoundException', message: 'User does not exist.' },
  },
};

export interface CognitoAnswers {
  /** http://127.0.0.1:<port>, for an SDK's Cognito endpoint. */
  readonly url: string;
  /** The errors rewritten so far, `<operation>: <cognito-local's> → <Cognito's>`. */
  readonly rewritten: readonly string[];
  stop(): Promise<void>;
}

/**
 * A thin proxy on 127.0.0.1 in front of cognito-local that answers as Cognito does where the two
 * differ (AS_COGNITO), passing everything else through byte for byte. Without it, a wrong password
 * takes the trigger's unexpected-error path, not the one users meet. Like Cognito's one regional
 * endpoint, it serves every pool: a request naming a pool in `pools` goes to that pool's emulator.
 */
export async function answerAsCognito(
  upstream: string,
  pools: Record<string, string> = {},
): Promise<CognitoAnswers> {
  const rewritten: string[] = [];

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, sent: Buffer) => {
    const operation =
      String(incoming.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const poolId = (parsed(sent) as { UserPoolId?: string } | undefined)?.UserPoolId ?? '';
    const target = new URL(pools[poolId] ?? upstream);
    const proxied = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          const error = answer.statusCode === 400 ? parsed(body) : undefined;
          const cognito = error ? AS_COGNITO[operation]?.[error.__type ?? ''] : undefined;
          if (cognito) {
            rewritten.push(`${operation}: ${error?.__type} → ${cognito.type}`);
            body = Buffer.from(JSON.stringify({ __type: cognito.type, message: cognito.message }));
          }
          const headers: Record<string, string | string[] | undefined> = {
            ...answer.headers,
            'content-length': String(body.length),
            ...(cognito ? { 'x-amzn-errortype': cognito.type } : {}),
          };
          outgoing.writeHead(answer.statusCode ?? 500, headers);
          outgoing.end(body);
        });
      },
    );
    proxied.on('error', (error) => {
      outgoing.writeHead(502);
      outgoing.end(String(error));
    });
    proxied.end(sent);
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => forward(incoming, outgoing, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rewritten,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parsed(body: Buffer): { __type?: string } | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as { __type?: string };
  } catch {
    return undefined;
  }
}
