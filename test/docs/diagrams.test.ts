import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aslFileOf,
  conditionText,
  diagramBlock,
  diagramMarkers,
  mermaidOf,
  readAsl,
  runbookFiles,
  writeDiagrams,
} from '../../docs/diagrams.ts';
import type { Asl } from '../../src/statemachines/definition.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MACHINES = ['cutover', 'rollback'] as const;

/** Node ids as the chart declares them: `  Id["..."]`, `  Id{"..."}`, `  Id(["..."])`, ... */
function declaredNodes(chart: string): string[] {
  return [...chart.matchAll(/^ {2}([A-Za-z_][\w]*)(?=[[({>])/gm)].map((m) => m[1] as string);
}

describe('runbook diagrams', () => {
  it.each(
    runbookFiles(ROOT).map((file) => [basename(file), file]),
  )('%s: every diagram is what the current ASL draws', (_name, file) => {
    // Arrange
    const markers = diagramMarkers(readFileSync(file, 'utf8'));

    // Assert
    for (const { machine, content } of markers) {
      expect(content, `runbooks/${basename(file)}: the ${machine} diagram is stale. Run npm run docs.`).toBe(
        diagramBlock(ROOT, machine),
      );
    }
  });

  it('draws the cutover in cutover.md and the rollback in rollback.md', () => {
    const machinesIn = (file: string) =>
      diagramMarkers(readFileSync(join(ROOT, 'runbooks', file), 'utf8')).map((m) => m.machine);

    expect(machinesIn('cutover.md')).toEqual(['cutover']);
    expect(machinesIn('rollback.md')).toEqual(['rollback']);
  });

  it.each(MACHINES)('%s: every state is a node', (machine) => {
    // Arrange
    const asl = readAsl(aslFileOf(ROOT, machine));

    // Act
    const nodes = declaredNodes(mermaidOf(asl));

    // Assert
    expect(nodes).toEqual(expect.arrayContaining(Object.keys(asl.States)));
  });

  it.each(MACHINES)('%s: every Next, Choice and Default is an edge', (machine) => {
    const asl = readAsl(aslFileOf(ROOT, machine));
    const chart = mermaidOf(asl);

    for (const [name, state] of Object.entries(asl.States)) {
      const targets = [
        ...((state.Choices ?? []) as { Next: string }[]).map((c) => c.Next),
        ...(typeof state.Default === 'string' ? [state.Default] : []),
        ...(typeof state.Next === 'string' ? [state.Next] : []),
      ];
      for (const target of targets) {
        expect(chart, `${machine}: ${name} → ${target}`).toMatch(
          new RegExp(`^ {2}${name} -->(\\|[^|]*\\|)? ${target}$`, 'm'),
        );
      }
    }
  });

  it.each(MACHINES)('%s: every Catch is a dashed edge or listed in a note', (machine) => {
    const asl = readAsl(aslFileOf(ROOT, machine));
    const chart = mermaidOf(asl);

    for (const [name, state] of Object.entries(asl.States)) {
      for (const rule of (state.Catch ?? []) as { ErrorEquals: string[]; Next: string }[]) {
        const edge = new RegExp(`^ {2}${name} -\\.->\\|${rule.ErrorEquals.join(', ')}\\| ${rule.Next}$`, 'm');
        const note = new RegExp(`^ {2}(\\w+)>"[^\\n]*\\b${name}\\b[^\\n]*"\\]$`, 'm').exec(chart)?.[1];
        const noteEdge = note && new RegExp(`^ {2}${note} -\\.->\\|[^|]+\\| ${rule.Next}$`, 'm');
        expect(edge.test(chart) || (noteEdge ? noteEdge.test(chart) : false), `${machine}: ${name}`).toBe(
          true,
        );
      }
    }
  });
});

describe('mermaidOf', () => {
  const tiny = (): Asl => ({
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:eu-west-2:123456789012:function:check',
        Catch: [
          { ErrorEquals: ['PlanInvalid', 'AccessDenied'], Next: 'Broken' },
          { ErrorEquals: ['States.ALL'], Next: 'Broken' },
        ],
        Next: 'InSync',
      },
      InSync: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.dns.inSync', BooleanEquals: true, Next: 'Done' },
          {
            And: [
              { Variable: '$.plan.dryRun', BooleanEquals: true },
              { Variable: '$.preflight.ok', BooleanEquals: false },
            ],
            Next: 'Broken',
          },
        ],
        Default: 'Pause',
      },
      Pause: { Type: 'Wait', Seconds: 30, Next: 'Check' },
      Done: { Type: 'Succeed' },
      Broken: { Type: 'Fail', Error: 'Broken', Cause: 'It broke.' },
    },
  });

  it('labels Choice branches with their condition, and Default as otherwise', () => {
    // Act
    const chart = mermaidOf(tiny());

    // Assert
    expect(chart).toContain('  InSync{"InSync"}');
    expect(chart).toContain('  InSync -->|inSync| Done');
    expect(chart).toContain('  InSync -->|dryRun and not ok| Broken');
    expect(chart).toContain('  InSync -->|otherwise| Pause');
  });

  it('draws Catch dashed, labelled with the errors it catches', () => {
    const chart = mermaidOf(tiny());

    expect(chart).toContain('  Check -.->|PlanInvalid, AccessDenied| Broken');
    expect(chart).toContain('  Check -.->|States.ALL| Broken');
    expect(chart).toContain('  Check --> InSync');
  });

  it('shapes Fail and Succeed as stadiums, Wait as a hexagon with its wait, Task as a rectangle', () => {
    const chart = mermaidOf(tiny());

    expect(chart).toContain('  Broken(["Broken<br/>error Broken"])');
    expect(chart).toContain('  Done(["Done"])');
    expect(chart).toContain('  Pause{{"Pause<br/>wait 30 s"}}');
    expect(chart).toContain('  Check["Check"]');
    expect(chart).toMatch(/^ {2}class Broken fail$/m);
    expect(chart.startsWith('flowchart TD\n')).toBe(true);
  });

  it("draws a distributed Map's item processor as a subgraph the Map enters, with its loop and its end", () => {
    // Arrange
    const asl: Asl = {
      StartAt: 'Shards',
      States: {
        Shards: {
          Type: 'Map',
          ItemsPath: '$.shards',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Read',
            States: {
              Read: {
                Type: 'Task',
                Resource: 'arn:aws:lambda:eu-west-2:123456789012:function:read',
                Next: 'More',
              },
              More: {
                Type: 'Choice',
                Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Counted' }],
                Default: 'Pace',
              },
              Pace: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Read' },
              Counted: { Type: 'Pass', End: true },
            },
          },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };

    // Act
    const chart = mermaidOf(asl);

    // Assert
    expect(chart).toContain('  subgraph ShardsItems["Shards: each item, a child execution"]');
    expect(chart).toContain('    Pace{{"Pace<br/>wait waitSeconds"}}');
    expect(chart).toContain('  Shards -.-o|each item| Read');
    expect(chart).toContain('  More -->|otherwise| Pace');
    expect(chart).toContain('  Counted --> ShardsItemEnds');
    expect(chart).toMatch(/^ {2}class Pace wait$/m);
  });

  it('collapses a Catch that many states share into one note that lists them', () => {
    // Arrange
    const asl: Asl = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'x', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Undo' }], Next: 'B' },
        B: { Type: 'Task', Resource: 'x', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Undo' }], Next: 'C' },
        C: { Type: 'Task', Resource: 'x', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Undo' }], End: true },
        Undo: { Type: 'Pass', Next: 'Failed' },
        Failed: { Type: 'Fail' },
      },
    };

    // Act
    const chart = mermaidOf(asl);

    // Assert
    expect(chart).toContain('  UndoOnError>"any error in:<br/>A, B, C"]');
    expect(chart).toContain('  UndoOnError -.->|States.ALL| Undo');
    expect(chart).not.toMatch(/^ {2}A -\.->/m);
    expect(chart).toContain('  C --> ExecutionEnds');
    expect(chart).toContain('  ExecutionEnds(["end"])');
    expect(chart).toContain('  Undo("Undo")');
  });

  it('gives states whose names Mermaid reserves or cannot read an id of their own', () => {
    const asl: Asl = {
      StartAt: 'end',
      States: {
        end: { Type: 'Pass', Next: 'wait here' },
        'wait here': { Type: 'Wait', SecondsPath: '$.plan.health.intervalSeconds', End: true },
      },
    };

    const chart = mermaidOf(asl);

    expect(chart).toContain('  state_end("end")');
    expect(chart).toContain('  wait_here{{"wait here<br/>wait plan.health.intervalSeconds"}}');
    expect(chart).toContain('  state_end --> wait_here');
  });

  it('is deterministic, and refuses a transition to a state that does not exist', () => {
    expect(mermaidOf(tiny())).toBe(mermaidOf(tiny()));

    const broken = tiny();
    const pause = broken.States.Pause;
    if (pause) pause.Next = 'Nowhere';
    expect(() => mermaidOf(broken)).toThrow(/Nowhere/);
  });

  it('escapes what would end a label', () => {
    const asl: Asl = { StartAt: 'A', States: { A: { Type: 'Fail', Error: 'Say "no" | <stop>' } } };

    expect(mermaidOf(asl)).toContain('A(["A<br/>error Say #quot;no#quot; #124; #lt;stop#gt;"])');
  });
});

describe('conditionText', () => {
  it.each([
    [{ Variable: '$.dns.inSync', BooleanEquals: true }, 'inSync'],
    [{ Variable: '$.rollback.complete', BooleanEquals: false }, 'not complete'],
    [{ Variable: '$.status', StringEquals: 'DONE' }, 'status = DONE'],
    [{ Variable: '$.health.passes', NumericGreaterThanEquals: 3 }, 'passes ≥ 3'],
    [{ Variable: '$.health.passes', NumericLessThan: 3 }, 'passes < 3'],
    [{ Variable: '$.a', NumericEqualsPath: '$.plan.b' }, 'a = b'],
    [{ Variable: '$.lock', IsPresent: false }, 'lock absent'],
    [{ Not: { Variable: '$.ok', BooleanEquals: true } }, 'not ok'],
    [
      {
        Or: [
          { Variable: '$.a', BooleanEquals: true },
          {
            And: [
              { Variable: '$.b', BooleanEquals: true },
              { Variable: '$.c', BooleanEquals: true },
            ],
          },
        ],
      },
      'a or (b and c)',
    ],
  ])('%j → %s', (rule, text) => {
    expect(conditionText(rule)).toBe(text);
  });
});

describe('writeDiagrams', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it('fills every marker from the ASL, and reports no change the second time', () => {
    // Arrange
    root = mkdtempSync(join(tmpdir(), 'diagrams-'));
    mkdirSync(join(root, 'statemachines'));
    mkdirSync(join(root, 'runbooks'));
    writeFileSync(
      join(root, 'statemachines', 'tiny.asl.yml'),
      'StartAt: Go\nStates:\n  Go:\n    Type: Pass\n    Next: Done\n  Done:\n    Type: Succeed\n',
    );
    const runbook = join(root, 'runbooks', 'tiny.md');
    writeFileSync(runbook, '# Tiny\n\n<!-- diagram:tiny -->\nold\n<!-- /diagram -->\n\nAfter.\n');

    // Act
    const first = writeDiagrams(root);
    const second = writeDiagrams(root);

    // Assert
    const text = readFileSync(runbook, 'utf8');
    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(text).toContain('```mermaid\nflowchart TD\n  Go("Go")\n');
    expect(text).toContain('  Go --> Done\n');
    expect(text).not.toContain('old');
    expect(text.endsWith('<!-- /diagram -->\n\nAfter.\n')).toBe(true);
  });

  it('names a marker whose state machine does not exist', () => {
    root = mkdtempSync(join(tmpdir(), 'diagrams-'));
    mkdirSync(join(root, 'runbooks'));
    writeFileSync(join(root, 'runbooks', 'x.md'), '<!-- diagram:nope --><!-- /diagram -->\n');

    expect(() => writeDiagrams(root)).toThrow(/statemachines\/nope\.asl\.yml/);
  });
});
