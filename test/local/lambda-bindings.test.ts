import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import type { LambdaFunction } from '../../src/sandbox/world.ts';
import { withLambda } from '../fixtures/plans.ts';

const NEW_POOL = 'eu-west-2_NewPool01';
const OLD_POOL = 'eu-west-2_OldPool01';

const at = (report: { timeline: { state: string; at: number }[] }, state: string) =>
  report.timeline.find((e) => e.state === state)?.at ?? Number.NaN;

describe('a Lambda environment binding: the update takes time, as in Lambda', () => {
  it('the services count as switched only once the update has finished', async () => {
    // Arrange: the update stays InProgress far longer than the ECS redeploy.
    const world = { functionUpdateSeconds: 40, ecsStabilizeSeconds: 5 };

    // Act
    const report = await rehearse({ plan: withLambda(), world });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(at(report, 'CheckHealth') - at(report, 'SwitchServices')).toBeGreaterThanOrEqual(40);
  });

  it('a rollback right after the switch waits out the update under way, then restores', async () => {
    // Arrange
    const session = newSession(withLambda(), { functionUpdateSeconds: 20 });

    // Act
    const report = await rehearse({
      plan: withLambda(),
      session,
      faults: [{ state: 'SwitchServices', kind: 'fail' }],
    });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.worldRestored).toBe(true);
    // The rollback ends only once the function runs with the old environment again.
    const fn = session.sandbox.world.functions.get('reval-prod-api');
    expect(fn?.variables.USER_POOL_ID).toBe(OLD_POOL);
    expect(fn?.updatingUntil).toBeLessThanOrEqual(session.sandbox.clock.now());
  });
});

describe('a Lambda function invoked through an alias', () => {
  const world = { functionAlias: 'live' };
  const preflightDetail = async (plan: unknown) => {
    const report = await rehearse({
      plan: { ...(plan as object), dryRun: true },
      world,
    });
    const checks = (report.plan as { preflight: { check: string; ok: boolean; detail: string }[] }).preflight;
    return checks.find((c) => c.check.includes('reval-prod-api'));
  };

  it('Preflight says the alias keeps the old settings when the binding changes only $LATEST', async () => {
    // Act
    const check = await preflightDetail(withLambda());

    // Assert
    expect(check?.detail).toMatch(/alias live .*version 1.* keeps the old environment/);
    expect(check?.detail).toMatch(/"alias": "live"/);
  });

  it('a binding that names the alias publishes a version with the new environment and moves the alias to it', async () => {
    // Arrange
    const plan = withLambda((b) => {
      b.alias = 'live';
    });
    const session = newSession(plan, world);

    // Act
    const report = await rehearse({ plan, session });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    const fn = session.sandbox.world.functions.get('reval-prod-api');
    const live = fn?.aliases.get('live');
    expect(live?.version).toBe('2');
    expect(fn?.versions.find((v) => v.version === live?.version)?.variables.USER_POOL_ID).toBe(NEW_POOL);
  });

  it('rollback moves the alias back to the version it served', async () => {
    // Arrange
    const plan = withLambda((b) => {
      b.alias = 'live';
    });
    const session = newSession(plan, world);

    // Act
    const report = await rehearse({ plan, session, faults: [{ state: 'ReleaseLock', kind: 'fail' }] });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.worldRestored).toBe(true);
    expect(session.sandbox.world.functions.get('reval-prod-api')?.aliases.get('live')?.version).toBe('1');
  });

  it.each([
    [
      'splits its invocations with another version',
      (fn: LambdaFunction) => {
        const live = fn.aliases.get('live');
        if (live) live.routing = { '2': 0.1 };
      },
      /alias live sends 10% to version 2.*clear its weighted routing/,
    ],
    [
      'serves other code than $LATEST',
      (fn: LambdaFunction) => {
        fn.codeSha256 = 'unreleased-package';
      },
      /\$LATEST runs other code than version 1.*publishing it would release that code too/,
    ],
    [
      'serves other settings than $LATEST',
      (fn: LambdaFunction) => {
        fn.variables.LOG_LEVEL = 'DEBUG';
      },
      /\$LATEST's LOG_LEVEL differ from version 1.*publishing would change them too/,
    ],
  ])('Preflight refuses an alias that %s, before anything changes', async (_, edit, message) => {
    // Arrange
    const plan = withLambda((b) => {
      b.alias = 'live';
    });
    const session = newSession(plan, world);
    const fn = session.sandbox.world.functions.get('reval-prod-api');
    if (fn) edit(fn);

    // Act
    const report = await rehearse({ plan, session });

    // Assert
    expect(report.failure).toMatchObject({ state: 'Preflight', error: 'PreflightFailed' });
    expect(report.failure?.cause).toMatch(message);
    expect(report.mutatingCalls).toBe(0);
  });

  it('Preflight refuses an alias the function does not have, naming the field', async () => {
    // Act
    const report = await rehearse({
      plan: withLambda((b) => {
        b.alias = 'canary';
      }),
      world,
    });

    // Assert
    expect(report.failure).toMatchObject({ state: 'Preflight', error: 'PreflightFailed' });
    expect(report.mutatingCalls).toBe(0);
    expect(report.failure?.cause).toMatch(/services\[0\]\.bindings\[2\].*alias canary/);
  });
});
