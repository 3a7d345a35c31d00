import {
  InitiateAuthCommand,
  PasswordResetRequiredException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../../src/aws/aws.ts';
import { parsePlan } from '../../../src/plan/schema.ts';
import { Sandbox, type WorldOptions } from '../../../src/sandbox/index.ts';
import { type MovePools, moveUser } from '../../../src/steps/core/move-user.ts';
import { DEFAULT_LEGACY_SUB_ATTRIBUTE } from '../../../src/triggers/attributes.ts';
import { example } from '../../fixtures/plans.ts';

const plan = parsePlan(example);
const pools: MovePools = {
  oldUserPoolId: plan.oldPool.userPoolId,
  newUserPoolId: plan.newPool.userPoolId,
  region: plan.region,
};
const carry = { attributes: 'all' as const, legacySubAttribute: DEFAULT_LEGACY_SUB_ATTRIBUTE };
const PERSON = 'person-01@example.org';

let sandbox: Sandbox;
afterEach(() => sandbox.uninstall());

function world(options: WorldOptions = {}) {
  sandbox = Sandbox.fromPlan(plan, options).install();
  const pool = (id: string) => {
    const found = sandbox.world.pools.get(id);
    if (!found) throw new Error(`no pool ${id}`);
    return found;
  };
  return { old: pool(pools.oldUserPoolId), moved: pool(pools.newUserPoolId) };
}

const writes = () => sandbox.mutatingCalls().map((c) => c.command);

describe('moveUser', () => {
  it('moves a user who never signed in with their attributes, old sub and groups, their password to reset', async () => {
    // Arrange
    const { old, moved } = world();
    const before = old.users.get(PERSON);

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'moved', groups: 1, missingGroups: [] });
    const user = moved.users.get(PERSON);
    expect(user?.status).toBe('RESET_REQUIRED');
    expect(user?.attributes).toEqual({ ...before?.attributes, [DEFAULT_LEGACY_SUB_ATTRIBUTE]: before?.sub });
    expect(user?.groups).toEqual(before?.groups);
    expect(user?.sub).not.toBe(before?.sub);
  });

  it('sends the moved user to "forgot password" at their next sign-in, not "incorrect username or password"', async () => {
    // Arrange
    const { old } = world();
    await moveUser(pools, carry, PERSON);

    // Act
    const signingIn = aws.cognito(plan.region).send(
      new InitiateAuthCommand({
        ClientId: plan.newPool.appClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: PERSON, PASSWORD: old.users.get(PERSON)?.password ?? '' },
      }),
    );

    // Assert
    await expect(signingIn).rejects.toBeInstanceOf(PasswordResetRequiredException);
  });

  it('changes nothing for a user already in the new pool', async () => {
    // Arrange
    world();
    await moveUser(pools, carry, PERSON);
    const since = sandbox.calls.length;

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'already-in-new-pool' });
    expect(sandbox.mutatingCalls({ since }).map((c) => c.command)).toEqual(['AdminCreateUser']);
    expect(sandbox.calls.at(-2)?.error).toBe('UsernameExistsException');
  });

  it('answers a name the old pool does not have, and changes nothing', async () => {
    // Arrange
    world();

    // Act
    const outcome = await moveUser(pools, carry, 'nobody@example.org');

    // Assert
    expect(outcome).toEqual({ outcome: 'not-in-old-pool' });
    expect(writes()).toEqual([]);
  });

  it("reports the new pool's refusal of an attribute its schema lacks, in Cognito's words, and creates nobody", async () => {
    // Arrange
    const { moved } = world({ attributeMismatch: true });

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'refused', reason: expect.stringContaining('custom:tenant') });
    expect(moved.users.has(PERSON)).toBe(false);
  });

  it('finishes a move that stopped after the user was created, the second time', async () => {
    // Arrange
    const { moved } = world();
    sandbox.failNext(
      'CognitoIdentityProvider',
      'AdminSetUserPassword',
      new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }),
    );
    const first = moveUser(pools, carry, PERSON);
    await expect(first).rejects.toMatchObject({ name: 'AwsTransient' });
    expect(moved.users.get(PERSON)?.status).toBe('FORCE_CHANGE_PASSWORD');

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'moved', groups: 1, missingGroups: [] });
    expect(moved.users.get(PERSON)?.status).toBe('RESET_REQUIRED');
  });

  it('finishes a move that stopped while copying the groups, groups included, the second time', async () => {
    // Arrange
    const { moved } = world();
    sandbox.failNext(
      'CognitoIdentityProvider',
      'AdminAddUserToGroup',
      new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }),
    );
    await expect(moveUser(pools, carry, PERSON)).rejects.toMatchObject({ name: 'AwsTransient' });

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'moved', groups: 1, missingGroups: [] });
    expect(moved.users.get(PERSON)).toMatchObject({
      status: 'RESET_REQUIRED',
      groups: ['usermanagement-editors'],
    });
  });

  it('leaves alone a user who signed up in the new pool under a name the old pool also has', async () => {
    // Arrange
    const { moved } = world();
    await moveUser(pools, carry, PERSON);
    const user = moved.users.get(PERSON);
    if (user) {
      user.status = 'FORCE_CHANGE_PASSWORD';
      user.attributes[DEFAULT_LEGACY_SUB_ATTRIBUTE] = 'someone-else';
    }

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'already-in-new-pool' });
  });

  it('answers the groups the new pool lacks, and still moves the user', async () => {
    // Arrange
    const { old, moved } = world({ missingGroup: true });
    old.users.get(PERSON)?.groups.push('reval-reviewers');

    // Act
    const outcome = await moveUser(pools, carry, PERSON);

    // Assert
    expect(outcome).toEqual({ outcome: 'moved', groups: 1, missingGroups: ['reval-reviewers'] });
    expect(moved.users.get(PERSON)?.groups).toEqual(['usermanagement-editors']);
    expect(moved.users.get(PERSON)?.status).toBe('RESET_REQUIRED');
  });
});
