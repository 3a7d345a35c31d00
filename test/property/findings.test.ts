import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { planSchema } from '../../src/plan/schema.ts';
import { edited } from '../fixtures/plans.ts';
import { liveStages, observeBefore } from '../support/outcome.ts';

/**
 * Counterexamples the property search found, shrunk and rewritten on the example plan. Each
 * `it.fails` passes while the bug is there; once it is fixed the test fails: make it an `it`.
 * A fix may as well refuse the plan (INVALID_PLAN): each test accepts that too.
 */

const NEW_POOL = 'eu-west-2_NewPool01';
const FREEZE_SID = 'CognitoCutoverWriteFreeze';

/** The reval authorizer moved onto the user-management API, which the plan freezes on stage prod. */
const authorizerOnFrozenApi = (stageName: string) =>
  edited((p) => {
    p.services[0].bindings[0].restApiId = p.writeFreeze[0].restApiId;
    p.services[0].bindings[0].stageName = stageName;
  });

function frozenStages(world: Parameters<typeof liveStages>[0]): string[] {
  return Object.entries(liveStages(world))
    .filter(([, view]) => view.policy?.includes(FREEZE_SID))
    .map(([stage]) => stage);
}

describe('known bugs the property found', () => {
  it('control: an authorizer on the frozen API and stage is switched, and the freeze lifted', async () => {
    // Arrange
    const plan = authorizerOnFrozenApi('prod');
    const session = newSession(plan);

    // Act
    const report = await rehearse({ plan, session });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(frozenStages(session.sandbox.world)).toEqual([]);
  });

  it('an authorizer on another stage of the frozen API: after SUCCEEDED that stage still serves the freeze', async () => {
    // Arrange: the authorizer's redeploy of v2 bakes in the frozen policy; ReleaseWrites redeploys prod only.
    const plan = authorizerOnFrozenApi('v2');
    const session = newSession(plan);

    // Act
    const report = await rehearse({ plan, session });

    // Assert
    if (report.status !== 'INVALID_PLAN') {
      expect(report.status).toBe('SUCCEEDED');
      expect(frozenStages(session.sandbox.world)).toEqual([]);
    }
  });

  it('an authorizer on another stage of the frozen API: after ROLLED_BACK (worldRestored) that stage serves what it did', async () => {
    // Arrange: rollback restored the authorizer first (redeploying v2 with the policy still frozen), then the policy on prod.
    const plan = authorizerOnFrozenApi('v2');
    const session = newSession(plan);
    const parsed = planSchema.safeParse(plan);
    const before = parsed.success ? observeBefore(session.sandbox.world, parsed.data) : undefined;

    // Act
    const report = await rehearse({ plan, session, faults: [{ state: 'CheckHealth', kind: 'fail' }] });

    // Assert: refused before anything changed, or restored everywhere.
    if (!before) {
      expect(report).toMatchObject({ status: 'INVALID_PLAN', mutatingCalls: 0 });
      return;
    }
    expect(report).toMatchObject({ status: 'ROLLED_BACK', worldRestored: true });
    expect(liveStages(session.sandbox.world)).toEqual(before.live);
  });

  it('two freeze items on one API, on two stages: after SUCCEEDED one stage still serves the freeze', async () => {
    // Arrange: both items share the ledger entry apigateway-policy:<api>; release restores it once, redeploying one stage.
    const plan = edited((p) => {
      p.writeFreeze[0].methods = ['POST'];
      p.writeFreeze.push({ ...p.writeFreeze[0], stageName: 'v2', methods: ['DELETE'] });
    });
    const session = newSession(plan);

    // Act
    const report = await rehearse({ plan, session });

    // Assert
    if (report.status !== 'INVALID_PLAN') {
      expect(report.status).toBe('SUCCEEDED');
      expect(frozenStages(session.sandbox.world)).toEqual([]);
    }
  });

  it('a parameter that is both the freeze flag and a binding: SUCCEEDED leaves it on the old pool', async () => {
    // Arrange: ReleaseWrites restores the ledger entry's `before` (the old pool id), undoing the switch.
    const plan = edited((p) => {
      p.writeFreeze[1].name = '/reval/prod/cognito-user-pool-id';
    });
    const session = newSession(plan);

    // Act
    const report = await rehearse({ plan, session });

    // Assert
    const value = session.sandbox.world.parameters.get('/reval/prod/cognito-user-pool-id')?.value;
    if (report.status !== 'INVALID_PLAN') {
      expect(report.status).toBe('SUCCEEDED');
      expect(value).toBe(NEW_POOL);
    }
  });

  // Fixed: the report takes the rule's rollback's word for how a stopped cutover ended.
  it('stopped as it enters Switched (Succeed): the report says ROLLED_BACK, as the world is', async () => {
    // Arrange: the CLI allows --abort-at only on Task states; rehearse() takes any state.
    const plan = edited(() => {});
    const session = newSession(plan);

    // Act
    const report = await rehearse({ plan, session, stopAt: { state: 'Switched', kind: 'abort' } });

    // Assert
    const value = session.sandbox.world.parameters.get('/reval/prod/cognito-user-pool-id')?.value;
    if (report.status === 'SUCCEEDED') expect(value).toBe(NEW_POOL);
    else expect(report).toMatchObject({ status: 'ROLLED_BACK', worldRestored: true });
  });
});
