import * as z from 'zod';
import { OLD_POOL_PLACEHOLDERS, PLACEHOLDERS, planSchema } from './schema.ts';

const DESCRIPTION = [
  'A cognito-cutover plan: the execution input of the cutover state machine.',
  'Generated from the zod schema in src/plan/schema.ts by `npm run docs`; fields with a default may be left out.',
  'This schema checks the shape of each field; `cutover validate` checks more: both pools and both topics',
  "are in the plan's region, the pools differ, service names are unique, a CNAME takes exactly one value,",
  'a lambda-environment binding names at least one variable, URLs parse, and binding values use only the',
  `placeholders ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')} (grace values also`,
  `${OLD_POOL_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}).`,
].join(' ');

/**
 * The plan's JSON Schema (draft 2020-12), for editors (`"$schema"` in a plan) and the console. It
 * describes the input side: a field with a default is optional here, as it is to an operator.
 */
export function planJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(planSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // Every field is JSON today; a field that is not would silently become `{}` with 'any'.
    unrepresentable: ({ path, message }) => {
      throw new Error(
        `plan field ${path.join('.') || '(plan)'} cannot be written as JSON Schema (${message}): give it a JSON type or map it in src/plan/json-schema.ts`,
      );
    },
    override: ({ zodSchema, jsonSchema }) => {
      // z.url({ protocol }) becomes only `format: uri`, which editors do not check: spell the protocol out.
      const def = zodSchema._zod.def as { format?: string; protocol?: RegExp };
      if (def.format === 'url' && def.protocol) {
        jsonSchema.pattern = `^(?:${def.protocol.source.replace(/^\^/, '').replace(/\$$/, '')}):`;
      }
    },
  });
  return { $schema, title: 'cognito-cutover plan', description: DESCRIPTION, ...rest };
}
