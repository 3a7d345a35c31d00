/**
 * What goes into each function's bundle, built as serverless-esbuild builds it (bench/bundles.ts reads
 * the options from serverless.yml). Sizes and load times are bench figures; these are the structural
 * facts that keep them down, and that one careless import would undo.
 */
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionBuilds } from '../../bench/bundles.ts';

const { options, functions } = functionBuilds();
/** Function → the source files and packages in its bundle (metafile paths, relative to the repository). */
const inputsOf = new Map<string, string[]>();

beforeAll(async () => {
  const result = await build({
    ...options,
    entryPoints: Object.fromEntries(functions.map(({ name, entry }) => [name, entry])),
    outdir: 'out',
    write: false,
    metafile: true,
  });
  const outputs = Object.entries((result.metafile as Metafile).outputs);
  for (const { name } of functions) {
    const output = outputs.find(([file]) => file === `out/${name}.js`)?.[1];
    inputsOf.set(name, Object.keys(output?.inputs ?? {}));
  }
});

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
    expect(sdkClientsOf('preTokenGeneration')).toEqual([]);
    expect(sdkClientsOf('acquireLock')).toEqual(['client-dynamodb']);
    expect(sdkClientsOf('userMigration')).toEqual(['client-cognito-identity-provider']);
    expect(sdkClientsOf('requestApproval')).toEqual(['client-sns']);
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
});
