import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** cognito-local's own entry point, run with this Node so the emulator needs nothing on PATH. */
const START_JS = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 2000;
const PORT_ATTEMPTS = 3;
const KEPT_OUTPUT_CHARS = 16_000;

export interface CognitoLocalOptions {
  /**
   * cognito-local's `TriggerFunctions`: trigger (`UserMigration`, `PreTokenGeneration`...) to function
   * name. They apply to every pool of the instance, unlike Cognito's per-pool LambdaConfig.
   */
  triggerFunctions?: Record<string, string>;
  /** The Lambda Invoke endpoint cognito-local sends trigger events to. */
  lambdaEndpoint?: string;
}

export interface CognitoLocal {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** From spawn to the first answer of /health. */
  readonly startupMs: number;
  /** The tail of the emulator's stdout and stderr, for diagnosing a failure. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts cognito-local as a child process on 127.0.0.1. It reads `./.cognito/config.json` and keeps its
 * data under `./.cognito/db` relative to its working directory, so each instance gets a fresh temporary
 * directory: nothing is written into the repository, and no state leaks from one run to the next.
 */
export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-local-'));
  try {
    await mkdir(join(dir, '.cognito'));
    await writeFile(join(dir, '.cognito', 'config.json'), JSON.stringify(configFor(options)));
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(dir);
      } catch (error) {
        // The free port found before the spawn can be taken by another process in between.
        if (attempt >= PORT_ATTEMPTS || !(error instanceof PortTaken)) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function configFor({ triggerFunctions = {}, lambdaEndpoint }: CognitoLocalOptions): object {
  return {
    LambdaClient: {
      ...(lambdaEndpoint === undefined ? {} : { endpoint: lambdaEndpoint }),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // Cognito neither retries a synchronous trigger nor waits for it beyond 5 s.
      maxRetries: 0,
      httpOptions: { timeout: 5000 },
    },
    TriggerFunctions: triggerFunctions,
  };
}

class PortTaken extends Error {
  override readonly name = 'PortTaken';
}

async function launch(dir: string): Promise<CognitoLocal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [START_JS], {
    cwd: dir,
    // Only what the emulator needs: no AWS credentials or endpoints of the calling process leak in.
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test runner that dies without running afterAll must not leave an emulator behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    process.off('exit', killOnExit);
    await terminate(child, exited);
    if (/EADDRINUSE/.test(output)) throw new PortTaken(`Port ${port} was taken`);
    throw new Error(`cognito-local did not start on ${url}: ${(error as Error).message}\n${output}`);
  }
  const startupMs = performance.now() - started;
  return { url, startupMs, output: () => output, stop };
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    }
    if (await answers(`${url}/health`)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no answer within ${START_TIMEOUT_MS} ms`);
}

/** node:http rather than fetch: a test may have swapped undici's global dispatcher for a MockAgent. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 500 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
