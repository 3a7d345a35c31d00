import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTION_COMMANDS } from '../../src/iam/manifest.ts';
import { analyzer } from './reachable.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const functions = (
  parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as {
    functions: Record<string, { handler: string }>;
  }
).functions;
const functionKeys = Object.keys(functions);
const manifest: Record<string, readonly string[] | undefined> = FUNCTION_COMMANDS;

/** `handlers/notify.handler` → `handlers/notify.ts`: the module path, without the exported name. */
const handlerFile = (fn: string) => `${functions[fn]?.handler.replace(/\.[^./]+$/, '')}.ts`;

// One analyzer for every function, so each module is parsed once.
const reach = analyzer(root);

// Dev-only code: the rehearsal sandbox, the local runner, the CLI and the tests themselves.
const NEVER_BUNDLED = ['src/sandbox/', 'src/local/', 'src/cli/', 'test/'];

describe('the function manifest', () => {
  it('names exactly the functions serverless.yml deploys', () => {
    // Arrange
    const listed = Object.keys(FUNCTION_COMMANDS).sort();

    // Act
    const deployed = [...functionKeys].sort();

    // Assert
    expect(listed, 'src/iam/manifest.ts and serverless.yml `functions:` must name the same keys').toEqual(
      deployed,
    );
  });

  it.each(functionKeys)('lists every command %s can send and nothing else', (fn) => {
    // Arrange
    const listed = manifest[fn] ?? [];

    // Act
    const { commands } = reach(handlerFile(fn));

    // Assert
    const missing = commands.filter((command) => !listed.includes(command));
    const extra = listed.filter((command) => !commands.includes(command));
    const problems = [
      missing.length > 0 &&
        `${fn} can send ${missing.join(', ')}: add it to src/iam/manifest.ts and grant it.`,
      extra.length > 0 &&
        `${fn}'s manifest lists ${extra.join(', ')}, which none of its code sends: drop it, so its role ` +
          'grants no more than the code needs.',
    ].filter(Boolean);
    expect({ missing, extra }, problems.join(' ')).toEqual({ missing: [], extra: [] });
    expect([...listed], `${fn}: keep its manifest list sorted and without repeats`).toEqual(commands);
  });

  // What a poller may write besides reading: checkServices finishes a function update for an alias
  // by publishing it and moving the alias, which Lambda refuses until the update is done.
  const finishes: Record<string, string[]> = {
    checkServices: ['Lambda:PublishVersion', 'Lambda:UpdateAlias'],
  };
  it.each([
    'preflight',
    'checkDnsSync',
    'checkServices',
  ])('lets %s, which only reads, send no command that changes anything', (fn) => {
    // Arrange
    const { commands } = reach(handlerFile(fn));

    // Act
    const writes = commands.filter(
      (c) => !/^[A-Za-z0-9]+:(Admin)?(Get|Describe|List|Simulate)/.test(c) && !finishes[fn]?.includes(c),
    );

    // Assert
    expect(writes, `${fn} reaches a write: load the adapter's reads/ side only`).toEqual([]);
  });

  it.each(functionKeys)('bundles no sandbox, local-runner, CLI or test code into %s', (fn) => {
    // Arrange
    const entry = handlerFile(fn);

    // Act
    const { files } = reach(entry);

    // Assert
    const devOnly = files.filter((file) => NEVER_BUNDLED.some((dir) => file.startsWith(dir)));
    expect(devOnly, `${entry} reaches dev-only code, which must never ship in a Lambda bundle`).toEqual([]);
  });
});

describe('the reachability analysis', () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  /** A throwaway source tree; the SDK packages still come from this repo's node_modules. */
  function project(files: Record<string, string>) {
    scratch = mkdtempSync(join(tmpdir(), 'manifest-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    return analyzer(scratch, { nodeModules: join(root, 'node_modules') });
  }

  it('finds a command sent two imports away, through a dynamic import and an alias', () => {
    // Arrange
    const analyse = project({
      'handlers/fake.ts': "export const handler = async () => (await import('../src/step.ts')).step();",
      'src/step.ts': "export { put as step } from './store.ts';",
      'src/store.ts': [
        "import { PutItemCommand as Put } from '@aws-sdk/client-dynamodb';",
        "import type { GetItemCommand } from '@aws-sdk/client-dynamodb';",
        'export const put = (send: (c: unknown) => unknown) => send(new Put({ TableName: "t", Item: {} }));',
        'export type Unsent = GetItemCommand;',
      ].join('\n'),
    });

    // Act
    const { files, commands } = analyse('handlers/fake.ts');

    // Assert
    expect(files).toEqual(['handlers/fake.ts', 'src/step.ts', 'src/store.ts']);
    expect(commands).toEqual(['DynamoDB:PutItem']);
  });

  it('traces a command class re-exported through a local module, as a namespace member or by name', () => {
    // Arrange
    const analyse = project({
      'handlers/fake.ts': [
        "import * as sdk from '../src/sdk.ts';",
        "import { PublishCommand } from '../src/sdk.ts';",
        'export const handler = () => [new sdk.GetParameterCommand({ Name: "n" }), new PublishCommand({})];',
      ].join('\n'),
      'src/sdk.ts': "export * from '@aws-sdk/client-sns';\nexport * from '@aws-sdk/client-ssm';",
    });

    // Act
    const { commands } = analyse('handlers/fake.ts');

    // Assert
    expect(commands).toEqual(['SNS:Publish', 'SSM:GetParameter']);
  });

  it.each([
    {
      what: 'a command class held in a variable',
      source: [
        "import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';",
        'const Write = Math.random() > 0.5 ? PutItemCommand : UpdateItemCommand;',
        'export const handler = () => new Write({ TableName: "t", Key: {} });',
      ],
      error: /handlers\/fake\.ts:2 \(PutItemCommand\) uses an SDK command class other than as/,
    },
    {
      what: 'a paginator, which sends commands of its own',
      source: [
        "import * as ddb from '@aws-sdk/client-dynamodb';",
        'export const handler = (client: ddb.DynamoDBClient) => ddb.paginateQuery({ client }, { TableName: "t" });',
      ],
      error: /handlers\/fake\.ts:2 \(ddb\.paginateQuery\) uses paginateQuery from @aws-sdk\/client-dynamodb/,
    },
  ])('refuses $what rather than miss what it sends', ({ source, error }) => {
    // Arrange
    const analyse = project({ 'handlers/fake.ts': source.join('\n') });

    // Act
    const act = () => analyse('handlers/fake.ts');

    // Assert
    expect(act).toThrow(error);
  });
});
