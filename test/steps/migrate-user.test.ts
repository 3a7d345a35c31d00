import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/schema.ts';
import { Sandbox } from '../../src/sandbox/index.ts';
import { parseInput } from '../../src/steps/core/input.ts';
import {
  migrateOneUser,
  migrateUserConfigFromEnv,
  migrateUserRequest,
} from '../../src/steps/migrate-user.ts';
import { example } from '../fixtures/plans.ts';

const plan = parsePlan(example);
const env = {
  OLD_USER_POOL_ID: plan.oldPool.userPoolId,
  NEW_USER_POOL_ID: plan.newPool.userPoolId,
  LEGACY_SUB_ATTRIBUTE: 'custom:legacy_sub',
};
const PERSON = 'person-02@example.org';

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.uninstall());

describe('migrateOneUser', () => {
  it('moves the user and says what they meet at their next sign-in', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();

    // Act
    const answer = await migrateOneUser({ username: PERSON }, migrateUserConfigFromEnv(env));

    // Assert
    expect(answer).toMatchObject({ username: PERSON, outcome: 'moved', groups: 1 });
    expect(answer.message).toMatch(/must reset their password/);
  });

  it.each([
    ['a user already in the new pool', PERSON, 'already-in-new-pool', /nothing changed/],
    ['a name the old pool does not have', 'nobody@example.org', 'not-in-old-pool', /check the spelling/],
  ])('answers %s clearly', async (_, username, outcome, message) => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    const config = migrateUserConfigFromEnv(env);
    await migrateOneUser({ username: PERSON }, config);

    // Act
    const answer = await migrateOneUser({ username }, config);

    // Assert
    expect(answer).toMatchObject({ outcome, message: expect.stringMatching(message) });
  });

  it('names the attribute the new pool refuses, and the fix', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan, { attributeMismatch: true }).install();

    // Act
    const answer = await migrateOneUser({ username: PERSON }, migrateUserConfigFromEnv(env));

    // Assert
    expect(answer.outcome).toBe('refused');
    expect(answer.message).toMatch(/custom:tenant.*Add the attribute to the new pool's schema/);
  });

  it('refuses a payload without a username, naming the field', () => {
    expect(() => parseInput(migrateUserRequest, { user: PERSON })).toThrow(/username/);
  });

  it('fails at start when the new pool is not configured, naming the variable', () => {
    expect(() => migrateUserConfigFromEnv({ ...env, NEW_USER_POOL_ID: '' })).toThrow(/NEW_USER_POOL_ID/);
  });
});
