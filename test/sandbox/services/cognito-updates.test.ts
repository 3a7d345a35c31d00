import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../../src/aws/aws.ts';
import { parsePlan } from '../../../src/plan/schema.ts';
import { Sandbox } from '../../../src/sandbox/index.ts';
import { example } from '../../fixtures/plans.ts';

const plan = parsePlan(example);
const NEW = plan.newPool.userPoolId;
const OLD = plan.oldPool.userPoolId;
const CLIENT = plan.oldPool.migrationClientId;
let sandbox: Sandbox;
afterEach(() => sandbox.uninstall());

const cognito = () => aws.cognito(plan.region);

describe("the sandbox's Cognito updates", () => {
  it('resets the triggers and deletion protection an UpdateUserPool leaves out', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    const before = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: NEW }))).UserPool;

    // Act: only the MFA setting, as a hurried script would send it.
    await cognito().send(new UpdateUserPoolCommand({ UserPoolId: NEW, MfaConfiguration: 'OFF' }));

    // Assert
    const after = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: NEW }))).UserPool;
    expect(before?.LambdaConfig?.UserMigration).toBeDefined();
    expect(after?.LambdaConfig).toEqual({});
    expect(after?.DeletionProtection).toBe('INACTIVE');
  });

  it('keeps what an UpdateUserPool sends back whole', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    const before = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: NEW }))).UserPool;

    // Act
    await cognito().send(
      new UpdateUserPoolCommand({
        UserPoolId: NEW,
        LambdaConfig: before?.LambdaConfig,
        MfaConfiguration: before?.MfaConfiguration,
        DeletionProtection: before?.DeletionProtection,
      }),
    );

    // Assert
    const after = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: NEW }))).UserPool;
    expect(after?.LambdaConfig).toEqual(before?.LambdaConfig);
    expect(after?.DeletionProtection).toBe('ACTIVE');
  });

  it("turns a client's auth flows back to Cognito's defaults when an update names none, or an empty list", async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();

    // Act
    await cognito().send(
      new UpdateUserPoolClientCommand({ UserPoolId: OLD, ClientId: CLIENT, ExplicitAuthFlows: [] }),
    );

    // Assert
    const client = (
      await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: OLD, ClientId: CLIENT }))
    ).UserPoolClient;
    expect(client?.ExplicitAuthFlows).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_CUSTOM_AUTH',
    ]);
    expect(client?.PreventUserExistenceErrors).toBe('LEGACY');
    expect(client?.AccessTokenValidity).toBe(60);
  });
});
