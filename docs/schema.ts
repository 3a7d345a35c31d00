import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from '../src/plan/json-schema.ts';

/** Where the plan's JSON Schema is committed, relative to the repository root. */
export const PLAN_SCHEMA_PATH = 'schema/plan.schema.json';

const LINE_WIDTH = 110;

/**
 * JSON with 2-space indents, as Biome formats it (so `npm run lint` passes on the generated file):
 * objects one key a line, an array of scalars on one line when it fits.
 */
export function formatJson(value: unknown, indent = '', prefix = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      // The line holds the indent, the key, the array and a comma.
      if (indent.length + prefix.length + flat.length + 1 <= LINE_WIDTH) return flat;
    }
    return `[\n${value.map((item) => `${inner}${formatJson(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => {
      const head = `${JSON.stringify(key)}: `;
      return `${inner}${head}${formatJson(item, inner, head)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function planSchemaText(): string {
  return `${formatJson(planJsonSchema())}\n`;
}

/** Writes schema/plan.schema.json under `root`; true when its content changed. */
export function writePlanSchema(root: string): boolean {
  const file = join(root, PLAN_SCHEMA_PATH);
  const text = planSchemaText();
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}

// `npx tsx docs/schema.ts` regenerates it alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  console.log(`${PLAN_SCHEMA_PATH}: ${writePlanSchema(root) ? 'written' : 'unchanged'}`);
}
