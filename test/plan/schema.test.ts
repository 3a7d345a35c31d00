import { describe, expect, it } from 'vitest';
import { PlanInvalid } from '../../src/errors.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { edited, example, MALFORMED } from '../fixtures/plans.ts';

function issuesOf(plan: unknown) {
  try {
    parsePlan(plan);
  } catch (error) {
    if (error instanceof PlanInvalid) return error.issues;
    throw error;
  }
  return [];
}

describe('parsePlan', () => {
  it('accepts the example plan and fills the defaults', () => {
    // Act
    const plan = parsePlan(example);

    // Assert
    expect(plan.migrationId).toBe('tis-prod-pool-v1-to-v2');
    expect(plan.services.map((s) => s.name)).toEqual(['reval', 'usermanagement']);
    expect(plan.services[0]?.bindings[1]).toMatchObject({
      kind: 'ssm-parameter',
      value: '{{newPool.userPoolId}}',
    });
  });

  it('lets a grace value name both pools, while the final value may name only the new one', () => {
    // Arrange
    const holding = edited((p) => {
      p.services[1].bindings[0].graceValue = '{{oldPool.userPoolId}},{{newPool.userPoolId}}';
    });
    const final = edited((p) => {
      p.services[1].bindings[0].value = '{{oldPool.userPoolId}},{{newPool.userPoolId}}';
    });

    // Act
    const plan = parsePlan(holding);
    const issues = issuesOf(final);

    // Assert
    expect(plan.services[1]?.bindings[0]).toMatchObject({
      graceValue: '{{oldPool.userPoolId}},{{newPool.userPoolId}}',
    });
    expect(issues.map((i) => i.path)).toEqual(['services[1].bindings[0].value']);
  });

  it("refuses a function's grace variable that has no value for after the window", () => {
    // Arrange
    const plan = edited((p) => {
      p.services.push({
        name: 'api',
        bindings: [
          {
            kind: 'lambda-environment',
            functionName: 'reval-prod-api',
            variables: { USER_POOL_ID: '{{newPool.userPoolId}}' },
            graceVariables: { TRUSTED_POOLS: '{{oldPool.userPoolId}},{{newPool.userPoolId}}' },
          },
        ],
      });
    });

    // Act
    const issues = issuesOf(plan);

    // Assert
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'services[2].bindings[0].graceVariables',
        message: expect.stringContaining('name its value after the window in variables too'),
      }),
    ]);
  });

  it.each(MALFORMED)('rejects %s, naming %s', (_name, plan, path) => {
    // Act
    const issues = issuesOf(plan);

    // Assert
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it('names every bad field at once, not just the first', () => {
    const issues = issuesOf(
      edited((p) => {
        delete p.dns.hostedZoneId;
        p.region = 'nowhere';
        p.health.intervalSeconds = 0;
      }),
    );

    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['dns.hostedZoneId', 'region', 'health.intervalSeconds']),
    );
    expect(issues.find((i) => i.path === 'dns.hostedZoneId')?.message).toBe('required');
  });

  it('says how to fix a misspelt field', () => {
    const issues = issuesOf(
      edited((p) => {
        p.dns.cutoverTTL = 60;
      }),
    );

    expect(issues[0]?.message).toMatch(/unknown field\(s\) cutoverTTL: remove or correct the spelling/);
  });
});
