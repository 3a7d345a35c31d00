/**
 * `npm run docs`: regenerates what is derived from the code, so it cannot drift from it: the state
 * machine diagrams in the runbooks (from the ASL) and the plan's JSON Schema (from the zod schema).
 * Tests fail while either is stale.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDiagrams } from './diagrams.ts';
import { writePlanSchema } from './schema.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const changed = [
  ...(writeDiagrams(root) ? ['runbook diagrams'] : []),
  ...(writePlanSchema(root) ? ['schema/plan.schema.json'] : []),
];
process.stdout.write(
  changed.length > 0 ? `Updated: ${changed.join(', ')}\n` : 'Everything was up to date.\n',
);
