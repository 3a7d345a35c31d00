import {
  AdminCreateUserCommand,
  ListUsersCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../../src/aws/aws.ts';
import { parsePlan } from '../../../src/plan/schema.ts';
import { Sandbox } from '../../../src/sandbox/index.ts';
import { setQuota } from '../../../src/sandbox/services/cognito-quotas.ts';
import { example } from '../../fixtures/plans.ts';

const plan = parsePlan(example);
let sandbox: Sandbox;
afterEach(() => sandbox.uninstall());

const create = (n: number) =>
  aws.cognito(plan.region).send(
    new AdminCreateUserCommand({
      UserPoolId: plan.newPool.userPoolId,
      Username: `user-${n}@example.org`,
      UserAttributes: [{ Name: 'email', Value: `user-${n}@example.org` }],
      MessageAction: 'SUPPRESS',
    }),
  );
const list = (pool: string) =>
  aws.cognito(plan.region).send(new ListUsersCommand({ UserPoolId: pool, Limit: 1 }));

describe("the sandbox's Cognito request-rate quotas", () => {
  it('creates 50 users in one second and refuses the 51st, as the UserCreation quota does', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    for (let n = 0; n < 50; n++) await create(n);

    // Act
    const over = create(50);

    // Assert
    await expect(over).rejects.toBeInstanceOf(TooManyRequestsException);
    expect(sandbox.world.pools.get(plan.newPool.userPoolId)?.users.has('user-50@example.org')).toBe(false);
  });

  it('admits the next second what it refused in this one', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    for (let n = 0; n < 50; n++) await create(n);
    await expect(create(50)).rejects.toBeInstanceOf(TooManyRequestsException);

    // Act
    sandbox.clock.advance(1);
    const next = await create(50);

    // Assert
    expect(next.User?.Username).toBe('user-50@example.org');
  });

  it('counts ListUsers on every pool of the account against one UserList rate of 30 a second', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    for (let n = 0; n < 15; n++) await list(plan.oldPool.userPoolId);
    for (let n = 0; n < 15; n++) await list(plan.newPool.userPoolId);

    // Act
    const over = list(plan.oldPool.userPoolId);

    // Assert
    await expect(over).rejects.toBeInstanceOf(TooManyRequestsException);
  });

  it('keeps a quota the account raised', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    setQuota(sandbox.world, 'UserCreation', 60);

    // Act
    for (let n = 0; n < 60; n++) await create(n);

    // Assert
    await expect(create(60)).rejects.toBeInstanceOf(TooManyRequestsException);
  });
});
