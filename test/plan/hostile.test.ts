import { describe, expect, it } from 'vitest';
import { PlanInvalid } from '../../src/errors.ts';
import { rehearse } from '../../src/local/runner.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { edited, MALFORMED, MALFORMED_BEYOND_JSON_SCHEMA } from '../fixtures/plans.ts';

function issuesOf(plan: unknown) {
  try {
    parsePlan(plan);
  } catch (error) {
    if (error instanceof PlanInvalid) return error.issues;
    throw error;
  }
  return [];
}

/** The plan a scheduled dry-run carries, as ValidatePlan unwraps it. */
const unwrapped = (plan: unknown) =>
  plan !== null && typeof plan === 'object' && 'dryRunOf' in plan ? plan.dryRunOf : plan;

// Name and path first, so that the titles print them (a title's %s takes the arguments in order).
const BEYOND = MALFORMED_BEYOND_JSON_SCHEMA.map(([name, plan, path]) => [name, path, plan] as const);

describe('hostile plans', () => {
  it('the malformed plans cover 50 cases or more, each under its own name', () => {
    // Arrange
    const names = [...MALFORMED, ...MALFORMED_BEYOND_JSON_SCHEMA].map(([name]) => name);

    // Assert
    expect(MALFORMED.length).toBeGreaterThanOrEqual(50);
    expect(new Set(names).size).toBe(names.length);
  });

  // MALFORMED itself goes through parsePlan in schema.test.ts and through rehearse in runner.test.ts.
  it.each(BEYOND)('parsePlan rejects %s, naming %s', (_name, path, plan) => {
    // Act
    const issues = issuesOf(unwrapped(plan));

    // Assert
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it.each(
    BEYOND,
  )('rehearse: %s is INVALID_PLAN naming %s, with no mutating call', async (_name, path, plan) => {
    // Act
    const report = await rehearse({ plan });

    // Assert
    expect(report.status).toBe('INVALID_PLAN');
    expect(report.errors?.map((e) => e.path)).toContain(path);
    expect(report.mutatingCalls).toBe(0);
    expect(report.steps.find((s) => s.name === 'AcquireLock')?.status).toBe('SKIPPED');
  });

  it('a null plan is rejected by parsePlan, naming the plan', () => {
    // Act
    const issues = issuesOf(null);

    // Assert
    expect(issues.map((i) => i.path)).toEqual(['(plan)']);
  });

  it('junk nested 10 000 deep does not overflow the validator', () => {
    // Arrange: too deep for a test title to print, so not in MALFORMED.
    const plan = edited((p) => {
      p.dns.target = deepJunk(10_000);
    });

    // Act
    const issues = issuesOf(plan);

    // Assert
    expect(issues.map((i) => i.path)).toContain('dns.target');
  });
});

/** Alternating objects and lists, `depth` levels deep. */
function deepJunk(depth: number): unknown {
  let junk: unknown = 'bottom';
  for (let i = 0; i < depth; i++) junk = i % 2 ? [junk] : { a: junk };
  return junk;
}

// Findings: each `it.fails` passes while the bug is there. Once fixed, it fails: make it an `it`.
describe('known bugs in how hostile plans are handled', () => {
  it.fails('rehearse calls a null plan INVALID_PLAN (it ends FAILED: Start cannot read $ of null)', async () => {
    // Act
    const report = await rehearse({ plan: null });

    // Assert
    expect(report.status).toBe('INVALID_PLAN');
  });

  it.fails('rehearse calls junk nested 10 000 deep INVALID_PLAN (the state machine library overflows the stack)', async () => {
    // Arrange
    const plan = edited((p) => {
      p.dns.target = deepJunk(10_000);
    });

    // Act
    const report = await rehearse({ plan });

    // Assert
    expect(report.status).toBe('INVALID_PLAN');
    expect(report.mutatingCalls).toBe(0);
  });

  it.each([
    ['{{newPool.userPoolId'],
    ['{{newPool.userPoolId}'],
    ['{newPool.userPoolId}}'],
  ])('parsePlan rejects the unclosed placeholder %s (accepted, and written to the parameter as it is)', (value) => {
    // Arrange
    const plan = edited((p) => {
      p.services[0].bindings[1].value = value;
    });

    // Act
    const issues = issuesOf(plan);

    // Assert
    expect(issues.map((i) => i.path)).toContain('services[0].bindings[1].value');
  });

  // Present, but of the wrong type: planIssues reads zod 4's issue.input, which zod leaves out unless asked.
  const WRONG_TYPE = new Set([
    'TTL as a string',
    'migrationId as a number',
    'dryRun as a string',
    'fractional cutover TTL',
    'plan is a number',
  ]);
  it.each(
    MALFORMED.filter(([name]) => WRONG_TYPE.has(name)).map(
      ([name, plan, path]) => [name, path, plan] as const,
    ),
  )('%s: the issue at %s says what is wrong, not "required"', (_name, path, plan) => {
    // Act
    const issue = issuesOf(plan).find((i) => i.path === path);

    // Assert
    expect(issue?.message).not.toBe('required');
  });
});
