import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/local/runner.ts';
import { edited, example } from '../fixtures/plans.ts';

describe('the reference incident, caught before anything changes', () => {
  it.each([
    [
      'the missing invoke permission',
      { denyInvoke: true },
      /cognito-idp\.amazonaws\.com may not invoke .*userpool\/eu-west-2_NewPool01/,
    ],
    ['an SRP-only app client', { srpOnlyClient: true }, /enable ALLOW_USER_PASSWORD_AUTH/],
    [
      'a role that may not sign users in on the old pool',
      { denyOldPoolAuth: true },
      /may not call cognito-idp:AdminInitiateAuth/,
    ],
  ])('stops the cutover in Preflight on %s, naming the fix', async (_name, world, fix) => {
    const report = await rehearse({ plan: example, world });

    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({ state: 'Preflight', error: 'PreflightFailed' });
    expect(report.failure?.cause).toMatch(fix);
    expect(report.changes).toEqual([]);
    // Users were never told it started, so they are not told it was called off.
    expect(report.notifications.map((n) => n.topicArn)).not.toContain(
      'arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-users',
    );
    expect(report.mutatingCalls).toBe(0);
  });

  it('reports it in the dry-run too', async () => {
    const report = await rehearse({
      plan: edited((p) => {
        p.dryRun = true;
      }),
      world: { denyInvoke: true },
    });

    expect((report.plan as { ok: boolean; problems: string[] }).problems).toEqual([
      expect.stringContaining('may not invoke cognito-cutover-prod-userMigration'),
    ]);
  });
});
