import { describe, expect, it } from 'vitest';
import { newSession, type RehearsalReport, rehearse } from '../../src/local/runner.ts';
import { digest } from '../../src/redact.ts';
import { edited, example, MALFORMED } from '../fixtures/plans.ts';

const valuesTarget = (p: { dns: { target: unknown } }) => {
  p.dns.target = { values: ['203.0.113.20'] };
};

function entered(report: RehearsalReport, state: string) {
  return report.timeline.filter((e) => e.state === state);
}

describe('rehearse: the example cutover', () => {
  it('succeeds, switches every binding and tells users twice', async () => {
    // Act
    const report = await rehearse({ plan: example });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(report.steps.filter((s) => s.status === 'FAILED')).toEqual([]);
    expect(report.changes.map((c) => c.resource)).toEqual(
      expect.arrayContaining([
        'route53-record:Z0EXAMPLEADMIN/admin.tis.example.org./A',
        'apigateway-authorizer:rv0api5678/cogauth1',
        'ssm-parameter:/reval/prod/cognito-user-pool-id',
        'secret:usermanagement-cognito-prod',
        'ecs-service:tis-prod/usermanagement',
      ]),
    );
    const parameter = report.changes.find(
      (c) => c.resource === 'ssm-parameter:/reval/prod/cognito-user-pool-id',
    );
    expect(parameter?.after).toMatchObject({ value: 'eu-west-2_NewPool01' });
    expect(
      report.notifications.filter((n) => n.topicArn.endsWith(':cognito-cutover-prod-users')),
    ).toHaveLength(2);
  });

  it('freezes writes within 15 s of the floor: INSYNC + TTL + (passes − 1) × interval', async () => {
    const report = await rehearse({ plan: example });

    expect(report.freezeFloorSeconds).toBe(20 + 60 + 2 * 30);
    expect(report.freezeWindowSeconds).toBeGreaterThanOrEqual(report.freezeFloorSeconds ?? 0);
    expect(report.freezeWindowSeconds).toBeLessThanOrEqual((report.freezeFloorSeconds ?? 0) + 15);
  });

  it('lifts the freeze it took: the API policy and the maintenance flag are as they were', async () => {
    const report = await rehearse({ plan: example });

    const freeze = report.changes.filter((c) => c.step === 'RestrictWrites');
    expect(freeze.map((c) => c.status)).toEqual(['restored', 'restored']);
    expect(report.drift.map((d) => d.resource).sort()).toEqual(
      [
        'apigateway-authorizer:rv0api5678/cogauth1',
        'route53-record:Z0EXAMPLEADMIN/admin.tis.example.org./A',
        'secret:usermanagement-cognito-prod',
        'ssm-parameter:/reval/prod/cognito-user-pool-id',
      ].sort(),
    );
  });
});

describe('rehearse: DNS and TTL', () => {
  it('alias record: effective TTL 60 s, no drain before the freeze', async () => {
    const report = await rehearse({ plan: example });

    expect(entered(report, 'DrainOldTtl')).toEqual([]);
    expect(entered(report, 'WaitCutoverTtl')[0]?.outcome).toBe('waited 60 s');
  });

  it('TTL already at the cutover TTL: no lowering and no drain', async () => {
    const report = await rehearse({ plan: edited(valuesTarget), world: { recordTtl: 60 } });

    expect(report.status).toBe('SUCCEEDED');
    expect(entered(report, 'CheckTtlSync')).toEqual([]);
    expect(entered(report, 'WaitCutoverTtl')[0]?.outcome).toBe('waited 60 s');
  });

  it('TTL above the cutover TTL: lowered, INSYNC, old TTL drained, all before the freeze', async () => {
    const report = await rehearse({ plan: edited(valuesTarget), world: { recordTtl: 300 } });

    const order = report.timeline.map((e) => e.state);
    expect(report.status).toBe('SUCCEEDED');
    expect(entered(report, 'DrainOldTtl')[0]?.outcome).toBe('waited 300 s');
    expect(order.indexOf('CheckTtlSync')).toBeLessThan(order.indexOf('DrainOldTtl'));
    expect(order.indexOf('DrainOldTtl')).toBeLessThan(order.indexOf('RestrictWrites'));
    expect(entered(report, 'WaitCutoverTtl')[0]?.outcome).toBe('waited 60 s');
    expect(report.freezeWindowSeconds).toBeLessThanOrEqual((report.freezeFloorSeconds ?? 0) + 15);
  });

  it('after success, the switched record gets the original TTL back: only its values differ', async () => {
    const session = newSession(edited(valuesTarget), { recordTtl: 300 });

    const report = await rehearse({ plan: edited(valuesTarget), session });

    const record = report.changes.find((c) => c.resource.startsWith('route53-record:'));
    expect(record?.after).toEqual({ values: ['203.0.113.20'] });
    const zone = [...session.sandbox.world.zones.values()][0];
    expect(zone?.records.find((r) => r.Name === 'admin.tis.example.org.')?.TTL).toBe(300);
  });

  it.each([
    ['a value record with a long TTL', edited(valuesTarget), { recordTtl: 300 }],
    ['an alias record', example, {}],
  ])('rollback restores %s exactly: name, type, TTL and value or alias target', async (_name, plan, world) => {
    const report = await rehearse({ plan, world, faults: [{ state: 'CheckHealth', kind: 'fail' }] });

    const record = report.changes.find((c) => c.resource.startsWith('route53-record:'));
    expect(report.status).toBe('ROLLED_BACK');
    expect(record?.status).toBe('restored');
    expect(report.drift).toEqual([]);
    expect(report.worldRestored).toBe(true);
  });
});

describe('rehearse: faults', () => {
  it('rolls back from an unhealthy run once the health deadline passes', async () => {
    const report = await rehearse({ plan: example, unhealthy: true });

    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({ state: 'CheckHealth', error: 'HealthDeadlineExceeded' });
    expect(report.simulatedSeconds).toBeGreaterThanOrEqual(3600);
    expect(report.worldRestored).toBe(true);
    expect(report.notifications.map((n) => n.subject)).toContain('Sign-in maintenance was called off');
  });

  it('a throttled step succeeds through Retry', async () => {
    const report = await rehearse({ plan: example, faults: [{ state: 'SwitchServices', kind: 'throttle' }] });

    expect(report.status).toBe('SUCCEEDED');
    expect(report.steps.find((s) => s.name === 'SwitchServices')?.attempts).toBeGreaterThan(1);
  });
});

describe('rehearse: invalid plans', () => {
  it.each(MALFORMED)('%s: INVALID_PLAN naming %s, with no mutating call', async (_name, plan, path) => {
    const report = await rehearse({ plan });

    expect(report.status).toBe('INVALID_PLAN');
    expect(report.errors?.map((e) => e.path)).toContain(path);
    expect(report.mutatingCalls).toBe(0);
    expect(report.steps.find((s) => s.name === 'AcquireLock')?.status).toBe('SKIPPED');
  });
});

describe('rehearse: every binding kind', () => {
  const everyKind = edited((p) => {
    valuesTarget(p);
    p.services.push({
      name: 'reports',
      bindings: [
        {
          kind: 'lambda-environment',
          functionName: 'reports-prod-api',
          variables: { USER_POOL_ID: '{{newPool.userPoolId}}', USER_POOL_ARN: '{{newPool.userPoolArn}}' },
        },
        { kind: 'secret', secretId: 'reports-pool-id' },
      ],
    });
  });

  it('switches all of them, lambda-environment merged into the existing variables', async () => {
    const report = await rehearse({ plan: everyKind, world: { recordTtl: 300 } });

    const lambda = report.changes.find((c) => c.resource === 'lambda-environment:reports-prod-api');
    expect(report.status).toBe('SUCCEEDED');
    // A change shows what differs: LOG_LEVEL, which the binding leaves alone, is not in it.
    expect(lambda?.after).toEqual({
      variables: {
        USER_POOL_ID: 'eu-west-2_NewPool01',
        USER_POOL_ARN: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01',
      },
    });
    expect(report.changes.find((c) => c.resource === 'secret:reports-pool-id')?.after).toEqual({
      value: 'eu-west-2_NewPool01',
      digest: digest('eu-west-2_NewPool01'),
    });
  });

  it('restores all of them when the last step fails', async () => {
    const report = await rehearse({
      plan: everyKind,
      world: { recordTtl: 300 },
      faults: [{ state: 'ReleaseLock', kind: 'fail' }],
    });

    expect(report.status).toBe('ROLLED_BACK');
    expect(report.restored.map((r) => r.resource)).toEqual(
      expect.arrayContaining(['lambda-environment:reports-prod-api', 'secret:reports-pool-id']),
    );
    expect(report.worldRestored).toBe(true);
  });
});
