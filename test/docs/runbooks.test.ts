import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aslFileOf, readAsl, runbookFiles } from '../../docs/diagrams.ts';
import { ALL_ERROR_CLASSES } from '../../src/errors.ts';
import { everyState } from '../../src/statemachines/definition.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const RUNBOOKS = ['cutover.md', 'dry-run.md', 'rollback.md', 'triggers.md', 'troubleshooting.md'];

/**
 * The `cutover` commands the runbooks may show. Kept here rather than read from src/cli, so this
 * test does not run the CLI's imports; add a command here when the CLI gains one.
 */
const CLI_COMMANDS = [
  'rehearse',
  'validate',
  'plan',
  'rollback',
  'start',
  'status',
  'approve',
  'reject',
  'abort',
  'gained',
  'migrate-user',
  'progress',
  'sweep',
  'retire',
  'completion',
];

/**
 * PascalCase words the runbooks put in backticks that are neither states nor error names: the
 * triggers Cognito names, the failures the rollback reports for a stopped cutover, stack outputs and
 * a Step Functions metric.
 */
const NOT_STATES = [
  'UserMigration',
  'PreTokenGeneration',
  'CutoverTimedOut',
  'CutoverAborted',
  'CutoverFailed',
  'OperatorsTopicArn',
  'DashboardUrl',
  'UsersTopicArn',
  'ExecutionsAborted',
  'LastUpdateStatus',
  'ResourceConflictException',
  // What Cognito answers a user whose password must be reset (runbooks/finish.md).
  'PasswordResetRequiredException',
  // The sweep's API calls, Map field and metrics (runbooks/finish.md).
  'ListUsers',
  'AdminAddUserToGroup',
  'ToleratedFailurePercentage',
  'UsersSwept',
  'SweepRefused',
  // The dashboard's metrics (runbooks/finish.md).
  'UsersMigrated',
  'UsersMovedOnDemand',
  'MigrationMs',
  'WriteFreezeSeconds',
  // Progress: its metrics, Cognito's pool size and sign-in metric (runbooks/finish.md).
  'OldPoolUsers',
  'NewPoolUsers',
  'UsersRemaining',
  'MigratedPercent',
  'EstimatedNumberOfUsers',
  'SignInSuccesses',
  // What retiring calls, and the one flow it leaves (runbooks/finish.md).
  'UpdateUserPool',
  'UpdateUserPoolClient',
  'UNCHANGED',
  // A metric of PreTokenGeneration's, not an error any state sees.
  'GroupCopyFailed',
];

const text = (file: string) => readFileSync(file, 'utf8');
const withoutCodeBlocks = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

const machines = ['cutover', 'rollback', 'sweep'].map((name) => readAsl(aslFileOf(ROOT, name)));
/** Every state, those of a Map's item processor too. */
const statesOf = (asl: (typeof machines)[number]) => [...everyState(asl)].map(([name]) => name);
const STATES = new Set(machines.flatMap(statesOf));
/** What an execution fails with: every error class, and each Fail state's Error. */
const ERRORS = new Set([
  ...Object.keys(ALL_ERROR_CLASSES),
  ...machines.flatMap((asl) =>
    Object.values(asl.States).flatMap((s) =>
      s.Type === 'Fail' && typeof s.Error === 'string' ? [s.Error] : [],
    ),
  ),
]);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = withoutCodeBlocks(markdown).matchAll(/^#{1,6} (.+)$/gm);
  return new Set(
    [...headings].map((h) =>
      (h[1] as string)
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('runbooks', () => {
  it.each(RUNBOOKS)('%s exists', (file) => {
    expect(existsSync(join(ROOT, 'runbooks', file))).toBe(true);
  });

  it.each(
    runbookFiles(ROOT).map((file) => [basename(file), file]),
  )('%s: every state it names in backticks is a state of one of the machines', (_name, file) => {
    // Arrange
    const spans = [...withoutCodeBlocks(text(file)).matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
    const named = spans.filter((span) => /^(rollback\/)?[A-Z][A-Za-z]+$/.test(span));

    // Act
    const unknown = named.filter((span) => {
      const name = span.replace(/^rollback\//, '');
      return !STATES.has(name) && !ERRORS.has(name) && !NOT_STATES.includes(name);
    });

    // Assert
    expect(unknown, 'not a state, an error, or an allowed AWS term').toEqual([]);
  });

  it.each(
    runbookFiles(ROOT).map((file) => [basename(file), file]),
  )('%s: every `npx cutover` command it shows is one the CLI defines', (_name, file) => {
    const commands = [...text(file).matchAll(/npx cutover ([a-z][\w-]*)/g)].map((m) => m[1] as string);

    expect(commands.filter((c) => !CLI_COMMANDS.includes(c))).toEqual([]);
  });

  it.each(
    runbookFiles(ROOT).map((file) => [basename(file), file]),
  )('%s: every link to a runbook leads to a file and a heading that exist', (_name, file) => {
    const links = [...withoutCodeBlocks(text(file)).matchAll(/\]\(([\w.-]*\.md)?(?:#([^)]+))?\)/g)];

    for (const [link, target, anchor] of links) {
      const path = join(dirname(file), target ?? basename(file));
      expect(existsSync(path), link).toBe(true);
      if (anchor) expect([...anchors(text(path))], link).toContain(anchor);
    }
  });

  it('shows as the cutover input exactly the example plan', () => {
    // Arrange
    const cutover = text(join(ROOT, 'runbooks', 'cutover.md'));
    const block = /```json\n([\s\S]*?"migrationId"[\s\S]*?)```/.exec(cutover)?.[1];

    // Assert
    expect(block, 'cutover.md shows the plan to paste as a json block').toBeDefined();
    expect(
      JSON.parse(block ?? 'null'),
      'runbooks/cutover.md must show examples/plan.json as the input',
    ).toEqual(JSON.parse(text(join(ROOT, 'examples', 'plan.json'))));
  });

  it('explains every state: the cutover in cutover.md, its dry-run branch in dry-run.md, the rollback in rollback.md, the sweep in finish.md', () => {
    // Arrange
    const section = (file: string, heading: string) =>
      new RegExp(`## ${heading}[\\s\\S]*?(?=\\n## |$)`).exec(text(join(ROOT, 'runbooks', file)))?.[0] ?? '';
    const dryRunBranch = [
      'PlanDns',
      'PlanFreeze',
      'PlanSwitchDns',
      'PlanServices',
      'PlanReport',
      'Planned',
      'DryRunFailed',
    ];
    const [cutover, rollback, sweep] = machines.map(statesOf);
    const missingFrom = (states: string[], where: string) =>
      states.filter((s) => !where.includes(`\`${s}\``));

    // Assert
    expect(
      missingFrom(cutover?.filter((s) => !dryRunBranch.includes(s)) ?? [], section('cutover.md', '4\\.')),
    ).toEqual([]);
    expect(missingFrom(dryRunBranch, section('dry-run.md', '1\\.'))).toEqual([]);
    expect(missingFrom(rollback ?? [], section('rollback.md', '1\\.'))).toEqual([]);
    expect(missingFrom(sweep ?? [], section('finish.md', '2\\.'))).toEqual([]);
  });
});
