/**
 * Every function in serverless.yml built as serverless-esbuild builds it (custom.esbuild read from
 * serverless.yml, not copied), zipped, and loaded in fresh Node processes: how big each deployment
 * package is and how long the bundle takes to load on a cold start. Figures to compare from run to
 * run; the limits are the project's targets, reported here rather than asserted by a timed test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LIMITS = { zipKb: 300, importMs: 150 } as const;
const IMPORT_RUNS = 10;

export interface BundleFigures {
  function: string;
  jsKb: number;
  mapKb: number;
  zipKb: number;
  importMsMedian: number;
  withinZip: boolean;
  withinImport: boolean;
  /** The package (or our `src`, `handlers`) with the most bytes in the .js. */
  largest: { origin: string; kb: number };
}

interface ServerlessFile {
  provider: { environment?: Record<string, unknown> };
  custom: { esbuild: Record<string, unknown> };
  functions: Record<string, { handler: string; environment?: Record<string, unknown> }>;
}

// serverless-esbuild strips these before handing the rest of custom.esbuild to esbuild.build
// (node_modules/serverless-esbuild/dist/bundle.js), and merges its defaults underneath.
const PLUGIN_ONLY = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
]);
const PLUGIN_DEFAULTS = {
  bundle: true,
  target: 'node18',
  platform: 'node',
  external: [],
  exclude: ['aws-sdk'],
};

/**
 * `custom.esbuild.plugins` as serverless-esbuild reads it (its `plugins` getter, dist/index.js): a
 * file, relative to the service directory, exporting an array of esbuild plugins (or a function
 * of the serverless instance returning one, which the bench cannot call).
 */
function pluginsOf(plugins: unknown): Plugin[] {
  if (plugins === undefined) return [];
  if (Array.isArray(plugins)) return plugins as Plugin[];
  let loaded = createRequire(join(ROOT, 'package.json'))(join(ROOT, plugins as string));
  if (typeof loaded === 'object' && loaded !== null && 'default' in loaded) loaded = loaded.default;
  if (!Array.isArray(loaded))
    throw new Error(`bench/bundles.ts needs ${String(plugins)} to export an array of esbuild plugins`);
  return loaded as Plugin[];
}

function esbuildOptions(custom: Record<string, unknown>): BuildOptions {
  if (custom.config !== undefined)
    throw new Error('bench/bundles.ts cannot read custom.esbuild.config files');
  const merged: Record<string, unknown> = { ...PLUGIN_DEFAULTS, ...custom };
  const exclude = merged.exclude as string[];
  const options = Object.fromEntries(Object.entries(merged).filter(([key]) => !PLUGIN_ONLY.has(key)));
  return {
    ...options,
    external: [...(merged.external as string[]), ...(exclude.includes('*') ? [] : exclude)],
    plugins: pluginsOf(merged.plugins),
  };
}

export interface FunctionBuilds {
  /** custom.esbuild as serverless-esbuild hands it to esbuild.build, with absWorkingDir the repository. */
  options: BuildOptions;
  /**
   * Each function in serverless.yml, its entry resolved as serverless-esbuild does (`handlers/x.ts`),
   * and its environment as written there (the provider's and its own; `${...}` unresolved).
   */
  functions: { name: string; entry: string; environment: Record<string, unknown> }[];
}

/** How serverless-esbuild builds this repository's functions, read from serverless.yml. */
export function functionBuilds(): FunctionBuilds {
  const service = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), {
    merge: true,
  }) as ServerlessFile;
  return {
    options: { ...esbuildOptions(service.custom.esbuild), absWorkingDir: ROOT },
    functions: Object.entries(service.functions).map(([name, { handler, environment }]) => ({
      name,
      entry: `${handler.slice(0, handler.lastIndexOf('.'))}.ts`,
      environment: { ...service.provider.environment, ...environment },
    })),
  };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Little-endian fields, as zip headers are laid out. */
function fields(values: [value: number, bytes: 2 | 4][]): Buffer {
  const buffer = Buffer.alloc(values.reduce((total, [, bytes]) => total + bytes, 0));
  let at = 0;
  for (const [value, bytes] of values) {
    at = bytes === 2 ? buffer.writeUInt16LE(value, at) : buffer.writeUInt32LE(value, at);
  }
  return buffer;
}

/**
 * A plain deflate zip, so the figure needs no zip CLI. Level 1, as serverless-esbuild writes them:
 * it calls archiver with no zlib options, and archiver's compress-commons then defaults to
 * ZLIB_BEST_SPEED (zip-archive-output-stream.js). Level 6 would come out about 10% smaller.
 */
function zipOf(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name);
    const packed = deflateRawSync(data, { level: 1 });
    // Needs version 2.0, no flags, deflate, 1980-01-01 00:00 (archiver pins a fixed date too), no extra field.
    const entry: [number, 2 | 4][] = [
      [20, 2],
      [0, 2],
      [8, 2],
      [0, 2],
      [0x21, 2],
      [crc32(data), 4],
      [packed.length, 4],
      [data.length, 4],
      [nameBytes.length, 2],
      [0, 2],
    ];
    const local = fields([[0x04034b50, 4], ...entry]);
    // Made by Unix, so the external attributes carry the mode: a regular file, rw-r--r--.
    const mode = (0o100644 << 16) >>> 0;
    const central = fields([
      [0x02014b50, 4],
      [0x0314, 2],
      ...entry,
      [0, 2],
      [0, 2],
      [0, 2],
      [mode, 4],
      [offset, 4],
    ]);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const count = files.length;
  const end = fields([
    [0x06054b50, 4],
    [0, 2],
    [0, 2],
    [count, 2],
    [count, 2],
    [directory.length, 4],
    [offset, 4],
    [0, 2],
  ]);
  return Buffer.concat([...locals, directory, end]);
}

/** Bytes in the output per package (`@scope/name`, `name`) or top-level folder of ours. */
export function bytesByOrigin(metafile: Metafile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const inModules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path); // the innermost package
      const origin = inModules ? inModules[1] : (path.split('/').find((part) => part !== '..') ?? path);
      totals.set(origin as string, (totals.get(origin as string) ?? 0) + bytesInOutput);
    }
  }
  return totals;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// Stand-ins, by variable name, for the environment values serverless.yml resolves at deploy time
// (`${...}`: the stage's plan, stage parameters): shaped like real ones, as the triggers check them at load.
const STAND_INS: Record<string, string> = {
  LEDGER_TABLE: 'cognito-cutover-bench-ledger',
  POWERTOOLS_SERVICE_NAME: 'cognito-cutover',
  OLD_USER_POOL_ID: 'eu-west-2_Bench0001',
  OLD_POOL_CLIENT_ID: 'bench-client',
  NEW_USER_POOL_ID: 'eu-west-2_Bench0002',
  CLAIMS_PREFERRED_USERNAME_FROM: 'email',
  GROUP_CLAIM: '',
  MIGRATED_ATTRIBUTES: '',
  LEGACY_SUB_ATTRIBUTE: 'custom:legacy_sub',
  LEGACY_SUB_CLAIM: 'legacy_sub',
  STAGE_PLAN: 'plans/dev.json',
  STAGE: 'bench',
  MIGRATION_ID: 'bench-migration',
  NEW_APP_CLIENT_ID: 'bench-app-client',
  APPROVAL_DOCUMENT: 'cognito-cutover-bench-approval',
  APPROVAL_ROLE_ARN: 'arn:aws:iam::123456789012:role/cognito-cutover-bench-approval',
};

/**
 * What a deployed function's process has that the handler reads at load: its environment from
 * serverless.yml (the provider's NODE_OPTIONS among it: --enable-source-maps, so the .map is read
 * and parsed at load), literal values as written and the rest from STAND_INS, and a region.
 */
export function lambdaEnv(environment: Record<string, unknown>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'eu-west-2' };
  for (const [name, value] of Object.entries(environment)) {
    if (typeof value === 'string' && !value.includes('${')) {
      env[name] = value;
      continue;
    }
    const standIn = STAND_INS[name];
    if (standIn === undefined)
      throw new Error(
        `bench/bundles.ts: no stand-in for ${name} (${JSON.stringify(value)}); add one to STAND_INS`,
      );
    env[name] = standIn;
  }
  return env;
}

// A fresh process each time, as on a cold start; only the require is timed, not Node's own start.
const LOAD = 'const t = performance.now(); require(process.argv[1]); console.log(performance.now() - t);';

function importMs(file: string, env: NodeJS.ProcessEnv): number {
  const out = execFileSync(process.execPath, ['-e', LOAD, file], { env, encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1));
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

export async function bundles(): Promise<BundleFigures[]> {
  const { options, functions } = functionBuilds();
  const out = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    const built = await Promise.all(
      functions.map(({ entry }) =>
        build({ ...options, entryPoints: [entry], outdir: join(out, dirname(entry)), metafile: true }),
      ),
    );
    return functions.map(({ name, entry, environment }, i) => {
      const js = join(out, entry.replace(/\.ts$/, '.js'));
      const files = [js, `${js}.map`].map((path) => ({
        name: path.slice(out.length + 1),
        data: readFileSync(path),
      }));
      const zip = zipOf(files);
      const env = lambdaEnv(environment);
      const times = Array.from({ length: IMPORT_RUNS }, () => importMs(js, env));
      const origins = [...bytesByOrigin(built[i]?.metafile as Metafile)].sort((a, b) => b[1] - a[1]);
      const [origin, bytes] = origins[0] ?? ['-', 0];
      const importMsMedian = Math.round(median(times) * 10) / 10;
      return {
        function: name,
        jsKb: kb(files[0]?.data.length ?? 0),
        mapKb: kb(files[1]?.data.length ?? 0),
        zipKb: kb(zip.length),
        importMsMedian,
        withinZip: zip.length <= LIMITS.zipKb * 1024,
        withinImport: importMsMedian <= LIMITS.importMs,
        largest: { origin, kb: kb(bytes) },
      };
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function printBundles(figures: BundleFigures[]): void {
  console.log(
    `Function bundles as serverless-esbuild builds them; import = require() in a fresh node with serverless.yml's NODE_OPTIONS, median of ${IMPORT_RUNS}`,
  );
  console.log(
    `function               js KB   map KB   zip KB  import ms  ≤${LIMITS.zipKb} KB  ≤${LIMITS.importMs} ms  largest in js (KB)`,
  );
  for (const f of figures) {
    console.log(
      `${f.function.padEnd(21)}${String(f.jsKb).padStart(7)}  ${String(f.mapKb).padStart(7)}  ${String(f.zipKb).padStart(7)}  ${String(f.importMsMedian).padStart(9)}  ${(f.withinZip ? 'yes' : 'NO').padStart(8)}  ${(f.withinImport ? 'yes' : 'NO').padStart(8)}  ${f.largest.origin} ${f.largest.kb}`,
    );
  }
}

// `tsx bench/bundles.ts` prints just this table.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printBundles(await bundles());
}
