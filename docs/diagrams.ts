/**
 * The runbooks' state machine diagrams, drawn from the ASL that is deployed, so a diagram cannot
 * disagree with what runs. `npm run docs` (or `npx tsx docs/diagrams.ts`) rewrites every block
 * between `<!-- diagram:NAME -->` and `<!-- /diagram -->` in runbooks/*.md with the Mermaid
 * flowchart of statemachines/NAME.asl.yml; test/docs fails while one is stale.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Asl, type AslState, everyState, readAsl } from '../src/statemachines/definition.ts';

export { readAsl };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Catch edges with the same target and errors from at least this many states are drawn as one
 * note listing the states: the cutover sends every task to Rollback, and sixteen dashed arrows
 * into one node would hide the forward path the operator is following.
 */
export const COLLAPSE_CATCHES_FROM = 3;

/** Names Mermaid's flowchart grammar reserves, in any case: a node with one of them as id breaks the chart. */
const RESERVED = new Set([
  'end',
  'graph',
  'flowchart',
  'subgraph',
  'direction',
  'style',
  'linkstyle',
  'classdef',
  'class',
  'click',
  'call',
  'href',
  'default',
]);

/** One rule of a Choice state, as far as the diagram reads it. */
interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  [comparison: string]: unknown;
}

interface CatchRule {
  ErrorEquals: string[];
  Next: string;
}

/** Text inside a quoted node label or an edge label, with Mermaid's entity codes for what would end it. */
function mermaidText(text: string): string {
  return text
    .replaceAll('#', '#35;')
    .replaceAll('"', '#quot;')
    .replaceAll('|', '#124;')
    .replaceAll('<', '#lt;')
    .replaceAll('>', '#gt;');
}

/** `$.plan.health.intervalSeconds` → `plan.health.intervalSeconds`. */
function path(reference: string): string {
  return reference.replace(/^\$\.?/, '') || '$';
}

/** `$.dns.inSync` → `inSync`: the field the rule is about, which the Choice's name puts in context. */
function field(reference: string | undefined): string {
  if (reference === undefined) return '?';
  return path(reference).split('.').at(-1) ?? reference;
}

/** Comparison operators by suffix, the longer suffixes first. */
const OPERATORS: [string, string][] = [
  ['LessThanEquals', '≤'],
  ['GreaterThanEquals', '≥'],
  ['LessThan', '<'],
  ['GreaterThan', '>'],
  ['Equals', '='],
  ['Matches', '~'],
];

/** A short text for a Choice rule: `$.dns.inSync == true` → `inSync`, `== false` → `not inSync`. */
export function conditionText(rule: ChoiceRule): string {
  const group = (inner: ChoiceRule) => {
    const text = conditionText(inner);
    return inner.And || inner.Or ? `(${text})` : text;
  };
  if (rule.And) return rule.And.map(group).join(' and ');
  if (rule.Or) return rule.Or.map(group).join(' or ');
  if (rule.Not) return `not ${group(rule.Not)}`;
  const subject = field(rule.Variable);
  const [comparison, value] =
    Object.entries(rule).find(([key]) => !['Variable', 'Next', 'Comment'].includes(key)) ?? [];
  if (comparison === undefined) return subject;
  if (comparison === 'BooleanEquals') return value === true ? subject : `not ${subject}`;
  if (comparison === 'IsPresent') return value === true ? `${subject} present` : `${subject} absent`;
  if (/^Is[A-Z]/.test(comparison)) {
    const kind = comparison.slice(2).toLowerCase();
    return value === true ? `${subject} is ${kind}` : `${subject} is not ${kind}`;
  }
  const byPath = comparison.endsWith('Path');
  const base = byPath ? comparison.slice(0, -'Path'.length) : comparison;
  const operator = OPERATORS.find(([suffix]) => base.endsWith(suffix))?.[1] ?? base;
  const other = byPath ? field(String(value)) : typeof value === 'string' ? value : JSON.stringify(value);
  return `${subject} ${operator} ${other}`;
}

/** What the node says besides the state's name: how long it waits, what it waits for, how it fails. */
function detail(state: AslState): string | undefined {
  switch (state.Type) {
    case 'Wait':
      if (typeof state.Seconds === 'number') return `wait ${state.Seconds} s`;
      if (typeof state.SecondsPath === 'string') return `wait ${path(state.SecondsPath)}`;
      if (typeof state.Timestamp === 'string') return `until ${state.Timestamp}`;
      if (typeof state.TimestampPath === 'string') return `until ${path(state.TimestampPath)}`;
      return undefined;
    case 'Task': {
      const resource = typeof state.Resource === 'string' ? state.Resource : '';
      const limit =
        typeof state.TimeoutSecondsPath === 'string' ? `, at most ${path(state.TimeoutSecondsPath)}` : '';
      if (resource.endsWith('.waitForTaskToken')) return `waits for a task token${limit}`;
      if (resource.startsWith('arn:aws:states:::states:startExecution.sync')) {
        const machine = state.Parameters?.StateMachineArn?.Ref;
        return `runs ${typeof machine === 'string' ? machine : 'a state machine'} and waits${limit}`;
      }
      return limit ? limit.slice(2) : undefined;
    }
    case 'Fail':
      return typeof state.Error === 'string' ? `error ${state.Error}` : undefined;
    default:
      return undefined;
  }
}

function shape(state: AslState, label: string): string {
  const text = `"${mermaidText(label)}"`;
  switch (state.Type) {
    case 'Choice':
      return `{${text}}`;
    case 'Wait':
      return `{{${text}}}`;
    case 'Pass':
      return `(${text})`;
    case 'Succeed':
    case 'Fail':
      return `([${text}])`;
    case 'Parallel':
    case 'Map':
      return `[[${text}]]`;
    default:
      return `[${text}]`;
  }
}

/** Mermaid ids for the states: the name itself when safe, otherwise a sanitised, unique one. */
function nodeIds(names: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    let id = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(id) || RESERVED.has(id.toLowerCase())) id = `state_${id}`;
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

function freshId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}${n}`;
  used.add(id);
  return id;
}

/** `a, b, c, d, e` over lines of `perLine` names, for a note that lists many states. */
function wrapped(names: string[], perLine: number): string {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += perLine) lines.push(names.slice(i, i + perLine).join(', '));
  return lines.map(mermaidText).join('<br/>');
}

/**
 * A Mermaid `flowchart TD` of a JSONPath state machine: one node per state, shaped by its type
 * (task: rectangle, choice: rhombus, wait: hexagon, pass: rounded, succeed/fail: stadium), solid
 * edges for Next, Choice rules (labelled with their condition) and Default, dashed edges for Catch
 * (labelled with the errors). Catches that many states share are drawn as one note. The output
 * depends only on the definition, in its order.
 */
export function mermaidOf(asl: Asl): string {
  const names = Object.keys(asl.States);
  // Every state, a Map's item processor's too, has an id: ASL names are unique across a definition.
  const ids = nodeIds([...everyState(asl)].map(([name]) => name));
  const used = new Set(ids.values());
  const id = (name: string): string => {
    const known = ids.get(name);
    if (known === undefined) throw new Error(`a transition names state ${name}, which the definition lacks`);
    return known;
  };
  const lines = ['flowchart TD'];

  for (const name of names) {
    const state = asl.States[name] as AslState;
    const more = detail(state);
    lines.push(`  ${id(name)}${shape(state, more ? `${name}\n${more}` : name).replace('\n', '<br/>')}`);
  }

  const edges: string[] = [];
  let endId: string | undefined;
  const catches = new Map<string, { errors: string; target: string; sources: string[] }>();
  for (const name of names) {
    const state = asl.States[name] as AslState;
    const from = id(name);
    for (const rule of (state.Choices ?? []) as ChoiceRule[]) {
      if (typeof rule.Next === 'string')
        edges.push(`  ${from} -->|${mermaidText(conditionText(rule))}| ${id(rule.Next)}`);
    }
    if (typeof state.Default === 'string') edges.push(`  ${from} -->|otherwise| ${id(state.Default)}`);
    if (typeof state.Next === 'string') edges.push(`  ${from} --> ${id(state.Next)}`);
    if (state.End === true) {
      endId ??= freshId('ExecutionEnds', used);
      edges.push(`  ${from} --> ${endId}`);
    }
    for (const rule of (state.Catch ?? []) as CatchRule[]) {
      const errors = rule.ErrorEquals.join(', ');
      const key = `${rule.Next}\u0000${errors}`;
      const group = catches.get(key) ?? { errors, target: rule.Next, sources: [] };
      group.sources.push(name);
      catches.set(key, group);
    }
  }

  const notes: string[] = [];
  const catchEdges: string[] = [];
  for (const { errors, target, sources } of catches.values()) {
    if (sources.length < COLLAPSE_CATCHES_FROM) {
      for (const source of sources)
        catchEdges.push(`  ${id(source)} -.->|${mermaidText(errors)}| ${id(target)}`);
      continue;
    }
    const note = freshId(`${id(target)}OnError`, used);
    notes.push(note);
    const heading = errors === 'States.ALL' ? 'any error in:' : `${errors} in any of:`;
    lines.push(`  ${note}>"${mermaidText(heading)}<br/>${wrapped(sources, 4)}"]`);
    catchEdges.push(`  ${note} -.->|${mermaidText(errors)}| ${id(target)}`);
  }
  if (endId) lines.push(`  ${endId}(["end"])`);
  const waits: string[] = [];
  for (const name of names) {
    const processor = asl.States[name]?.ItemProcessor as Pick<Asl, 'StartAt' | 'States'> | undefined;
    if (processor) lines.push(...itemProcessor(name, processor, id, used, edges, waits));
  }
  lines.push(...edges, ...catchEdges);

  const ofType = (type: string) => names.filter((n) => asl.States[n]?.Type === type).map(id);
  const classes: [string, string, string[]][] = [
    [
      'succeed',
      'fill:#e6f4ea,stroke:#1e8e3e,color:#202124',
      [...ofType('Succeed'), ...(endId ? [endId] : [])],
    ],
    ['fail', 'fill:#fce8e6,stroke:#d93025,color:#202124', ofType('Fail')],
    ['wait', 'fill:#e8f0fe,stroke:#1a73e8,color:#202124', [...ofType('Wait'), ...waits]],
    ['note', 'fill:#fef7e0,stroke:#f9ab00,color:#202124,stroke-dasharray:4 3', notes],
  ];
  for (const [name, style, members] of classes) {
    if (members.length > 0) lines.push(`  classDef ${name} ${style}`, `  class ${members.join(',')} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A Map's item processor as a subgraph inside the diagram: the loop each item (a child execution, for
 * a distributed Map) runs, entered from the Map by a dotted edge and ending at its own end node.
 */
function itemProcessor(
  map: string,
  processor: Pick<Asl, 'StartAt' | 'States'>,
  id: (name: string) => string,
  used: Set<string>,
  edges: string[],
  waits: string[],
): string[] {
  const mode = processor as { ProcessorConfig?: { Mode?: string } };
  const each = mode.ProcessorConfig?.Mode === 'DISTRIBUTED' ? 'each item, a child execution' : 'each item';
  const lines = [`  subgraph ${freshId(`${id(map)}Items`, used)}["${mermaidText(`${map}: ${each}`)}"]`];
  let itemEnd: string | undefined;
  for (const [name, state] of Object.entries(processor.States)) {
    const more = detail(state);
    lines.push(`    ${id(name)}${shape(state, more ? `${name}\n${more}` : name).replace('\n', '<br/>')}`);
    if (state.Type === 'Wait') waits.push(id(name));
    for (const rule of (state.Choices ?? []) as ChoiceRule[]) {
      if (typeof rule.Next === 'string')
        edges.push(`  ${id(name)} -->|${mermaidText(conditionText(rule))}| ${id(rule.Next)}`);
    }
    if (typeof state.Default === 'string') edges.push(`  ${id(name)} -->|otherwise| ${id(state.Default)}`);
    if (typeof state.Next === 'string') edges.push(`  ${id(name)} --> ${id(state.Next)}`);
    for (const rule of (state.Catch ?? []) as CatchRule[])
      edges.push(`  ${id(name)} -.->|${mermaidText(rule.ErrorEquals.join(', '))}| ${id(rule.Next)}`);
    if (state.End === true) {
      itemEnd ??= freshId(`${id(map)}ItemEnds`, used);
      edges.push(`  ${id(name)} --> ${itemEnd}`);
    }
  }
  if (itemEnd) lines.push(`    ${itemEnd}(["item ends"])`);
  lines.push('  end');
  edges.push(`  ${id(map)} -.-o|each item| ${id(processor.StartAt)}`);
  return lines;
}

const MARKER = /(<!-- diagram:([\w-]+) -->)([\s\S]*?)(<!-- \/diagram -->)/g;

/** The ASL file a marker names: `<!-- diagram:cutover -->` → statemachines/cutover.asl.yml. */
export function aslFileOf(root: string, machine: string): string {
  return join(root, 'statemachines', `${machine}.asl.yml`);
}

/** What belongs between the markers for `machine`: a note on where it comes from, and the chart. */
export function diagramBlock(root: string, machine: string): string {
  const file = aslFileOf(root, machine);
  if (!existsSync(file)) {
    throw new Error(
      `<!-- diagram:${machine} --> names statemachines/${machine}.asl.yml, which does not exist`,
    );
  }
  return [
    '',
    `<!-- Drawn from statemachines/${machine}.asl.yml by \`npm run docs\`: edit the ASL, not this block. -->`,
    '',
    '```mermaid',
    mermaidOf(readAsl(file)).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/** Every diagram marker in a Markdown text: the machine it names and what it holds now. */
export function diagramMarkers(markdown: string): { machine: string; content: string }[] {
  return [...markdown.matchAll(MARKER)].map((m) => ({ machine: m[2] as string, content: m[3] as string }));
}

/** The runbooks, as paths: every Markdown file in runbooks/. */
export function runbookFiles(root: string): string[] {
  const dir = join(root, 'runbooks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Rewrites every diagram marker's content in runbooks/*.md from the current ASL. Returns whether
 * any file changed; files already up to date are not written.
 */
export function writeDiagrams(root: string = ROOT): boolean {
  let changed = false;
  for (const file of runbookFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const next = text.replace(
      MARKER,
      (_match, open: string, machine: string, _content: string, close: string) =>
        `${open}${diagramBlock(root, machine)}${close}`,
    );
    if (next === text) continue;
    writeFileSync(file, next);
    changed = true;
  }
  return changed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(
    writeDiagrams() ? 'Updated the runbook diagrams.\n' : 'The runbook diagrams were up to date.\n',
  );
}
