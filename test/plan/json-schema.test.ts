import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLAN_SCHEMA_PATH, planSchemaText } from '../../docs/schema.ts';
import { planJsonSchema } from '../../src/plan/json-schema.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { edited, MALFORMED } from '../fixtures/plans.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const PLANS = ['examples/plan.json', ...readdirSync(join(ROOT, 'plans')).map((f) => `plans/${f}`)].filter(
  (f) => f.endsWith('.json'),
);

type Schema = Record<string, unknown> & {
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  $defs?: Record<string, Schema>;
};

/** Every property, union variant and definition that has no description, by path. */
function undescribed(schema: Schema, path = '', own = false): string[] {
  const missing = own && !(typeof schema.description === 'string' && schema.description.trim()) ? [path] : [];
  const described = (child: Schema | undefined, at: string) => (child ? undescribed(child, at, true) : []);
  const within = (child: Schema | undefined, at: string) => (child ? undescribed(child, at, false) : []);
  const object = (child: Schema) => child.type === 'object' || 'properties' in child;
  return [
    ...missing,
    ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) => described(child, `${path}.${key}`)),
    ...within(schema.items, `${path}[]`),
    ...(typeof schema.additionalProperties === 'object'
      ? within(schema.additionalProperties, `${path}.*`)
      : []),
    ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((keyword) =>
      (schema[keyword] ?? []).flatMap((child, i) =>
        object(child)
          ? described(child, `${path}|${keyword}[${i}]`)
          : within(child, `${path}|${keyword}[${i}]`),
      ),
    ),
    ...Object.entries(schema.$defs ?? {}).flatMap(([key, child]) => described(child, `$defs.${key}`)),
  ];
}

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', 'format']);
const typeOf = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

/** What a bound applies to: a string's length in code points, an array's length, or a number. */
function sizeOf(keyword: string, value: unknown): number | undefined {
  if (keyword.endsWith('Length')) return typeof value === 'string' ? [...value].length : undefined;
  if (keyword.endsWith('Items')) return Array.isArray(value) ? value.length : undefined;
  return typeof value === 'number' ? value : undefined;
}

/**
 * A JSON Schema check for exactly the keywords the plan schema uses (no validator is installed);
 * an unknown keyword fails loudly rather than passing unchecked.
 */
function violations(schema: Schema, value: unknown, path = '(plan)'): string[] {
  const out: string[] = [];
  const fail = (message: string) => out.push(`${path}: ${message}`);
  for (const [keyword, arg] of Object.entries(schema)) {
    const a = arg as never;
    switch (keyword) {
      case 'type': {
        const t = typeOf(value);
        if (t !== a && !(a === 'number' && t === 'integer')) fail(`expected ${a}, got ${t}`);
        break;
      }
      case 'const':
        if (value !== a) fail(`expected ${JSON.stringify(a)}`);
        break;
      case 'enum':
        if (!(a as unknown[]).includes(value)) fail(`expected one of ${JSON.stringify(a)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(a, 'u').test(value)) fail(`does not match ${a}`);
        break;
      case 'minLength':
      case 'minItems':
      case 'minimum': {
        const n = sizeOf(keyword, value);
        if (n !== undefined && n < a) fail(`${keyword} ${a}`);
        break;
      }
      case 'maxLength':
      case 'maxItems':
      case 'maximum': {
        const n = sizeOf(keyword, value);
        if (n !== undefined && n > a) fail(`${keyword} ${a}`);
        break;
      }
      case 'items':
        if (Array.isArray(value)) out.push(...value.flatMap((v, i) => violations(a, v, `${path}[${i}]`)));
        break;
      case 'required':
        if (typeOf(value) === 'object')
          for (const key of a as string[]) if (!(key in (value as object))) fail(`${key} is required`);
        break;
      case 'properties':
      case 'additionalProperties':
      case 'propertyNames':
        if (typeOf(value) !== 'object') break;
        for (const [key, v] of Object.entries(value as object)) {
          const own = schema.properties?.[key];
          if (keyword === 'propertyNames') out.push(...violations(a, key, `${path}.${key} (name)`));
          else if (keyword === 'properties' && own) out.push(...violations(own, v, `${path}.${key}`));
          else if (keyword === 'additionalProperties' && !own) {
            if (a === false) fail(`unknown property ${key}`);
            else out.push(...violations(a, v, `${path}.${key}`));
          }
        }
        break;
      case 'allOf':
        for (const s of a as Schema[]) out.push(...violations(s, value, path));
        break;
      case 'anyOf':
      case 'oneOf': {
        const passing = (a as Schema[]).filter((s) => violations(s, value, path).length === 0).length;
        if (keyword === 'anyOf' ? passing === 0 : passing !== 1)
          fail(`${keyword}: ${passing} of ${(a as Schema[]).length} alternatives match`);
        break;
      }
      default:
        if (!ANNOTATIONS.has(keyword)) throw new Error(`the test's checker does not know ${keyword}`);
    }
  }
  return out;
}

describe('planJsonSchema', () => {
  const schema = planJsonSchema() as Schema;

  it('is committed as schema/plan.schema.json, up to date', () => {
    // Act
    const committed = read(PLAN_SCHEMA_PATH);

    // Assert
    const stale = `${PLAN_SCHEMA_PATH} is stale: run npm run docs (or npx tsx docs/schema.ts)`;
    expect(JSON.parse(committed), stale).toEqual(schema);
    expect(committed, stale).toBe(planSchemaText());
  });

  it('is draft 2020-12, titled and described, with no made-up $id', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: expect.any(String),
      description: expect.stringContaining('cutover validate'),
    });
    expect(schema).not.toHaveProperty('$id');
  });

  it('describes every field at every depth', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it('finds a field without a description, however deep', () => {
    const gappy: Schema = {
      properties: {
        a: { type: 'string' },
        b: {
          description: 'b',
          items: { oneOf: [{ type: 'object', properties: { c: { description: '' } } }] },
        },
      },
    };

    expect(undescribed(gappy)).toEqual(['.a', '.b[]|oneOf[0]', '.b[]|oneOf[0].c']);
  });

  it('leaves fields with a default optional, as an operator writes the plan', () => {
    expect(schema.required).toEqual(
      expect.arrayContaining(['migrationId', 'region', 'oldPool', 'newPool', 'dns', 'services', 'health']),
    );
    expect(schema.required).not.toContain('dryRun');
    expect(schema.required).not.toContain('approval');
    expect(schema.properties?.dns?.required).not.toContain('cutoverTtlSeconds');
  });

  it.each(PLANS)('accepts %s, which names it as its $schema', (file) => {
    // Arrange
    const plan = JSON.parse(read(file));

    // Act
    const problems = violations(schema, plan);

    // Assert
    expect(problems).toEqual([]);
    expect(plan.$schema).toBe(`../${PLAN_SCHEMA_PATH}`);
    expect(() => parsePlan(plan)).not.toThrow();
  });

  it('rejects a misspelt field', () => {
    // Arrange
    const plan = edited((p) => {
      p.dns.recordNmae = p.dns.recordName;
      delete p.dns.recordName;
    });

    // Act
    const problems = violations(schema, plan);

    // Assert
    expect(problems).toEqual(
      expect.arrayContaining([
        '(plan).dns: unknown property recordNmae',
        '(plan).dns: recordName is required',
      ]),
    );
  });

  // What only `cutover validate` sees: rules across fields, and the placeholders in a value.
  const CROSS_FIELD = new Set([
    'old pool from another region',
    'same pool twice',
    'topic of another region',
    'duplicate service names',
    'unknown placeholder',
    'Cognito actions without the role that calls them',
  ]);

  it.each(MALFORMED.filter(([name]) => !CROSS_FIELD.has(name)))('rejects %s, as zod does', (_name, plan) => {
    expect(violations(schema, plan)).not.toEqual([]);
  });
});
