#!/usr/bin/env node
// Runs the CLI npm built at install (`npm run build`), so no compiler runs per command. Should a
// source be newer than the build (someone is editing src/), the TypeScript runs in place instead.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist/src/cli/main.mjs');

function fresh() {
  try {
    const at = statSync(built).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, 'dist/inputs.json'), 'utf8'));
    return inputs.every((file) => statSync(join(root, file)).mtimeMs <= at);
  } catch {
    return false;
  }
}

if (process.env.CUTOVER_FROM_SOURCE !== '1' && fresh()) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
