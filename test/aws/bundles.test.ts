/**
 * What goes into each function's bundle, built as serverless-esbuild builds it (bench/bundles.ts reads
 * the options, plugins included, from serverless.yml). Sizes and load times are bench figures; these
 * are the structural facts that keep them down, and that one careless import would undo, and proof
 * that the bundles so built load, call AWS, and map their stack frames back to our sources.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { SourceMap, type SourceMapPayload } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionBuilds, lambdaEnv } from '../../bench/bundles.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const { options, functions } = functionBuilds();
const out = mkdtempSync(join(tmpdir(), 'bundles-test-'));
const bundleOf = (name: string) => join(out, `${name}.js`);
/** Function → the source files and packages in its bundle (metafile paths, relative to the repository). */
const inputsOf = new Map<string, string[]>();

beforeAll(async () => {
  // One build for all functions: with no code splitting each output is what its own build writes.
  const result = await build({
    ...options,
    entryPoints: Object.fromEntries(functions.map(({ name, entry }) => [name, entry])),
    outdir: out,
    metafile: true,
  });
  const outputs = (result.metafile as Metafile).outputs;
  for (const { name } of functions) {
    inputsOf.set(name, Object.keys(outputs[relative(ROOT, bundleOf(name))]?.inputs ?? {}));
  }
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

const sdkClientsOf = (name: string) =>
  [
    ...new Set(
      inputsOf.get(name)?.flatMap((path) => /node_modules\/@aws-sdk\/(client-[^/]+)/.exec(path)?.[1] ?? []),
    ),
  ].sort();

describe('function bundles', () => {
  it('are built for every function', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const { name } of functions) expect(inputsOf.get(name)?.length, name).toBeGreaterThan(0);
  });

  it('never carry the sandbox, the local runner or the CLI', () => {
    for (const { name } of functions) {
      expect(
        inputsOf.get(name)?.filter((path) => /^src\/(sandbox|local|cli)\//.test(path)),
        name,
      ).toEqual([]);
    }
  });

  // src/aws/aws.ts exports one accessor per service: were they one object again, every bundle
  // would carry all eleven clients.
  it('carry only the SDK clients their code reaches', () => {
    expect(sdkClientsOf('validatePlan')).toEqual([]);
    // A migrated user's groups: read in the old pool, added in the new one.
    expect(sdkClientsOf('preTokenGeneration')).toEqual(['client-cognito-identity-provider']);
    // Whether the execution holding the lock still runs.
    expect(sdkClientsOf('acquireLock')).toEqual(['client-dynamodb', 'client-sfn']);
    expect(sdkClientsOf('userMigration')).toEqual(['client-cognito-identity-provider']);
    // The go/no-go's notice, and its console approval in Systems Manager Automation.
    expect(sdkClientsOf('requestApproval')).toEqual(['client-sns', 'client-ssm']);
  });

  // mainFields [module, main]: the SDK's CommonJS builds do not tree-shake, and platform node
  // would take them first. One CommonJS file back in means the whole of its package again.
  it("take the SDK's ES module builds", () => {
    for (const { name } of functions) {
      expect(
        inputsOf.get(name)?.filter((path) => /node_modules\/@(aws-sdk|smithy)\/[^/]+\/dist-cjs\//.test(path)),
        name,
      ).toEqual([]);
    }
  });

  // `import { z } from 'zod'` brings zod's whole namespace, 40-odd locales included (about 350 KB
  // of minified code); `import * as z from 'zod'` lets esbuild keep only what is used.
  it("carry zod's English messages but none of its other locales", () => {
    for (const { name } of functions) {
      const locales = inputsOf.get(name)?.filter((path) => /node_modules\/zod\/.*\/locales\//.test(path));
      expect(
        locales?.filter((path) => !path.endsWith('/en.js')),
        name,
      ).toEqual([]);
    }
  });

  // The plan's field descriptions are for its JSON Schema and the editor (deploy/esbuild-plugins.cjs).
  it("carry the plan schema's rules but not its descriptions", () => {
    const described = 'Redeploys an ECS service (UpdateService forceNewDeployment)';
    expect(readFileSync(join(ROOT, 'src/plan/schema.ts'), 'utf8')).toContain(described);
    for (const { name } of functions) {
      if (!inputsOf.get(name)?.includes('src/plan/schema.ts')) continue;
      const js = readFileSync(bundleOf(name), 'utf8');
      expect(js, name).not.toContain(described);
      expect(js, name).toContain('expected one of ssm-parameter, secret, lambda-environment');
    }
  });
});

// deploy/esbuild-plugins.cjs drops the packages' mappings, which were over half of every zip.
describe('function source maps', () => {
  const mapOf = (name: string) =>
    JSON.parse(readFileSync(`${bundleOf(name)}.map`, 'utf8')) as SourceMapPayload;
  const resolved = (source: string) => resolve(out, source);

  it('map our code only', () => {
    for (const { name } of functions) {
      const sources = mapOf(name).sources.map(resolved);
      expect(
        sources.filter((source) => source.includes('/node_modules/')),
        name,
      ).toEqual([]);
      expect(
        sources.filter((source) => source.startsWith(join(ROOT, 'src/'))),
        name,
      ).not.toEqual([]);
      expect(sources, name).toContain(join(ROOT, `handlers/${name}.ts`));
    }
  });

  it('map a line of ours back to its file and line', () => {
    const message = 'is not set: set it in serverless.yml';
    const js = readFileSync(bundleOf('acquireLock'), 'utf8').split('\n');
    const line = js.findIndex((text) => text.includes(message));
    const entry = new SourceMap(mapOf('acquireLock')).findEntry(line, js[line]?.indexOf(message) ?? -1);
    expect(entry).toHaveProperty('originalSource');
    const { originalSource, originalLine } = entry as { originalSource: string; originalLine: number };
    expect(resolved(originalSource)).toBe(join(ROOT, 'src/config.ts'));
    const config = readFileSync(join(ROOT, 'src/config.ts'), 'utf8').split('\n');
    expect(originalLine).toBe(config.findIndex((text) => text.includes(message)));
  });
});

const run = promisify(execFile);
const fn = (name: string) => functions.find((f) => f.name === name) as (typeof functions)[number];
/** serverless.yml's environment for the function (bench stand-ins for `${...}`), and no way to reach AWS. */
const envOf = (name: string, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...lambdaEnv(fn(name).environment),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
  AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  ...more,
});

describe('function bundles, run', () => {
  // Loading runs each handler's config-at-load, and every module's top level with the SDK's ES builds.
  it('load in Node with their serverless.yml environment and export a handler', async () => {
    const loaded = await Promise.all(
      functions.map(async ({ name }) => {
        const { stdout } = await run(
          process.execPath,
          ['-e', 'console.log(typeof require(process.argv[1]).handler)', bundleOf(name)],
          { env: envOf(name) },
        );
        return [name, stdout.trim()];
      }),
    );
    expect(Object.fromEntries(loaded)).toEqual(
      Object.fromEntries(functions.map(({ name }) => [name, 'function'])),
    );
  });

  it('sign and send an SDK call, and read its answer', async () => {
    const requests: { method: string | undefined; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push({ method: request.method, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const { port } = server.address() as AddressInfo;
      const plan = { ...JSON.parse(readFileSync(join(ROOT, 'examples/plan.json'), 'utf8')), dryRun: true };
      const invoke = `require(process.argv[1]).handler(JSON.parse(process.argv[2])).then((r) => console.log(JSON.stringify(r)))`;
      const { stdout } = await run(
        process.execPath,
        ['-e', invoke, bundleOf('acquireLock'), JSON.stringify({ plan, executionId: 'bundle-test' })],
        { env: envOf('acquireLock', { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }) },
      );
      // A dry-run reads the lock; an empty GetItem answer is no lock.
      expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({ acquired: false });
      expect(requests).toHaveLength(1);
      const [request] = requests;
      expect(request?.method).toBe('POST');
      expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
      expect(request?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDBUNDLETEST\/\d{8}\/eu-west-2\/dynamodb\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/,
      );
      expect(JSON.parse(request?.body ?? '')).toEqual({
        TableName: lambdaEnv(fn('acquireLock').environment).LEDGER_TABLE,
        Key: { pk: { S: plan.migrationId }, sk: { S: expect.any(String) } },
        ConsistentRead: true,
      });
    } finally {
      server.close();
    }
  });

  it('refuse a bad plan naming the field and the fix, as the sources do', async () => {
    const plan = JSON.parse(readFileSync(join(ROOT, 'examples/plan.json'), 'utf8'));
    plan.services[0].bindings[0].kind = 'ssm-paramter';
    plan.health.intervalSeconds = 'often';
    const invoke =
      'require(process.argv[1]).handler(JSON.parse(process.argv[2])).catch((e) => console.log(JSON.stringify({ name: e.name, issues: e.issues })))';
    const { stdout } = await run(
      process.execPath,
      ['-e', invoke, bundleOf('validatePlan'), JSON.stringify({ input: plan, executionId: 'bundle-test' })],
      { env: envOf('validatePlan') },
    );
    const { parsePlan } = await import('../../src/plan/schema.ts');
    const fromSources = (() => {
      try {
        parsePlan(plan);
      } catch (error) {
        return { name: (error as Error).name, issues: (error as { issues: unknown }).issues };
      }
    })();
    expect(fromSources?.name).toBe('PlanInvalid');
    expect(JSON.parse(stdout.trim())).toEqual(fromSources);
  });

  // serverless.yml's NODE_OPTIONS=--enable-source-maps reads the trimmed map: our frames still resolve.
  it('report stack frames in our code at their source lines', async () => {
    const plan = JSON.parse(readFileSync(join(ROOT, 'examples/plan.json'), 'utf8'));
    const invoke = 'require(process.argv[1]).handler(JSON.parse(process.argv[2]))';
    const event = JSON.stringify({ plan, executionId: 'bundle-test' });
    const failed = await run(process.execPath, ['-e', invoke, bundleOf('acquireLock'), event], {
      env: envOf('acquireLock', { LEDGER_TABLE: '' }),
    }).catch((error: { stderr: string }) => error);
    const stack = (failed as { stderr?: string }).stderr ?? '';
    expect(stack).toContain('ConfigInvalid');
    const config = readFileSync(join(ROOT, 'src/config.ts'), 'utf8').split('\n');
    const throwLine = config.findIndex((text) => text.includes('throw new ConfigInvalid')) + 1;
    expect(stack).toContain(`${join(ROOT, 'src/config.ts')}:${throwLine}:`);
    expect(stack).toContain(join(ROOT, 'src/steps/core/context.ts'));
  });
});
