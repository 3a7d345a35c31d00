import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { edited, example } from '../fixtures/plans.ts';

const dryRun = edited((p) => {
  p.dryRun = true;
});
type Report = {
  ok: boolean;
  problems: string[];
  drift: string[];
  changes: { resource: string }[];
  freezeWindowSeconds: number;
};

describe('dry-run', () => {
  it('lists every change the cutover would make, and makes none', async () => {
    // Act
    const report = await rehearse({ plan: dryRun });

    // Assert
    const plan = report.plan as Report;
    expect(report.status).toBe('SUCCEEDED');
    expect(plan.ok).toBe(true);
    expect(plan.changes.map((c) => c.resource)).toEqual([
      'apigateway-policy:um0api1234',
      'ssm-parameter:/usermanagement/prod/under-maintenance',
      'route53-record:Z0EXAMPLEADMIN/admin.tis.example.org./A',
      'apigateway-authorizer:rv0api5678/cogauth1',
      'ssm-parameter:/reval/prod/cognito-user-pool-id',
      'secret:usermanagement-cognito-prod',
      'ecs-service:tis-prod/usermanagement',
    ]);
    expect(report.mutatingCalls).toBe(0);
    expect(report.changes).toEqual([]);
    expect((report.plan as { preflight: { ok: boolean }[] }).preflight.every((c) => c.ok)).toBe(true);
    expect(report.worldRestored).toBe(true);
  });

  it('finds a stale lock before cutover day, and says how to clear it', async () => {
    // Arrange: a cutover stopped right after it took the lock, and no rollback ran.
    const session = newSession(example);
    await rehearse({
      plan: example,
      session,
      stopAt: { state: 'Preflight', kind: 'abort' },
      autoRollback: false,
    });

    // Act
    const report = await rehearse({ plan: dryRun, session });

    // Assert
    const plan = report.plan as Report;
    expect(plan.ok).toBe(false);
    expect(plan.problems).toEqual([
      expect.stringMatching(
        /^The migration lock is held by arn:aws:states:.*:execution:cognito-cutover-cutover:rehearsal, which is no longer running: a cutover would end LOCKED_OUT\. Roll the migration back, or take the lock over/,
      ),
    ]);
    expect(report.mutatingCalls).toBe(0);
  });

  it('reports a running cutover, which is no problem of the plan', async () => {
    // Arrange
    const session = newSession(example);
    let during: Report | undefined;

    // Act: the weekly dry-run fires while a cutover waits at its go/no-go.
    await rehearse({
      plan: example,
      session,
      approval: async () => {
        during = (await rehearse({ plan: dryRun, session })).plan as Report;
        return 'approve';
      },
    });

    // Assert
    expect(during).toMatchObject({ ok: true, problems: [] });
    expect(during).toHaveProperty(
      'runningCutover',
      expect.stringContaining(':execution:cognito-cutover-cutover:rehearsal'),
    );
  });

  it('takes no lock, asks no approval and freezes nothing', async () => {
    const report = await rehearse({ plan: dryRun });

    const ran = report.steps.filter((s) => s.status === 'SUCCEEDED').map((s) => s.name);
    expect(ran).not.toContain('AwaitApproval');
    expect(ran).not.toContain('RestrictWrites');
    expect(report.notifications.map((n) => n.subject)).toEqual([
      '[cutover] tis-prod-pool-v1-to-v2 dry-run: plan holds',
    ]);
  });

  it('reports a DNS record that drifted from dns.expected', async () => {
    const report = await rehearse({ plan: dryRun, world: { driftDns: true } });

    const plan = report.plan as Report;
    expect(plan.ok).toBe(false);
    expect(plan.drift[0]).toMatch(
      /points at ddrifted\.cloudfront\.net\., but the plan expects d222oldadmin\.cloudfront\.net\./,
    );
  });

  it('reports every preflight problem instead of stopping at the first', async () => {
    const report = await rehearse({
      plan: dryRun,
      world: { missing: ['secret:usermanagement-cognito-prod', 'ecs-service:tis-prod/usermanagement'] },
    });

    const plan = report.plan as Report;
    expect(report.status).toBe('SUCCEEDED');
    expect(plan.ok).toBe(false);
    expect(plan.problems).toHaveLength(2);
    expect(report.mutatingCalls).toBe(0);
  });
});

describe('the scheduled dry-run', () => {
  it('runs the plan it is given as a dry-run, whatever the plan says', async () => {
    const report = await rehearse({
      plan: {
        dryRunOf: edited((p) => {
          p.dryRun = false;
        }),
      },
    });

    expect(report.status).toBe('SUCCEEDED');
    expect(report.steps.find((s) => s.name === 'PlanReport')?.status).toBe('SUCCEEDED');
    expect(report.mutatingCalls).toBe(0);
  });
});

describe('a dry-run that is stopped', () => {
  it('starts a rollback that finds nothing to restore, with no false alarm', async () => {
    // Act
    const report = await rehearse({
      plan: { dryRunOf: edited(() => {}) },
      stopAt: { state: 'PlanServices', kind: 'abort' },
    });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.timeline.map((e) => e.state)).toContain('rollback/NothingToRestore');
    expect(report.timeline.map((e) => e.state)).not.toContain('rollback/RollbackIncomplete');
    expect(report.mutatingCalls).toBe(0);
  });
});
