#!/usr/bin/env node
// Builds the CLI ahead of time (`npm run build`; npm ci runs it as `prepare`), so no compiler runs
// per command: dist/src/cli/main.mjs, and each handler beside it in dist/handlers/, sharing chunks,
// so a rehearsal's handlers and the sandbox they talk to are one set of modules. Packages stay in
// node_modules. dist/inputs.json lists the sources, so bin/cutover.mjs can tell a stale build.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlers = readdirSync(join(root, 'handlers'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(root, 'handlers', file));
const out = await build({
  entryPoints: [join(root, 'src/cli/main.ts'), ...handlers],
  outdir: join(root, 'dist'),
  outbase: root,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // Error names are the contract with Retry/Catch, as in the Lambda bundles.
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
});
const inputs = Object.keys(out.metafile.inputs).map((file) => relative(root, join(process.cwd(), file)));
writeFileSync(join(root, 'dist/inputs.json'), JSON.stringify(inputs));
