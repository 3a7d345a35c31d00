import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Service, serviceRoleAllowed } from '../../../src/steps/checks/service-role.ts';
import { mocks, planWith } from '../aws-mocks.ts';

const ROLE = 'arn:aws:iam::111122223333:role/usermanagement-prod-task';
/** What a user-management service calls, and so what its role is checked for by default. */
const USER_MANAGEMENT = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminResetUserPassword',
  'cognito-idp:AdminGetUser',
];
const NEW_POOL_ARN = 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01';
const usermanagement = () => planWith().services[1] as Service;

/** The role's policy as IAM evaluates it: these actions are allowed on the new pool, no other. */
function roleAllows(allowed: string[]) {
  mocks.iam.on(SimulatePrincipalPolicyCommand).callsFake((input: { ActionNames: string[] }) => ({
    EvaluationResults: input.ActionNames.map((EvalActionName) => ({
      EvalActionName,
      EvalResourceName: NEW_POOL_ARN,
      EvalDecision: allowed.includes(EvalActionName) ? 'allowed' : 'implicitDeny',
    })),
  }));
}

beforeEach(() => {
  mocks.iam.reset();
});

describe('serviceRoleAllowed', () => {
  it("simulates what a user-management service calls, on the new pool's ARN, with the service's role", async () => {
    // Arrange
    roleAllows(USER_MANAGEMENT);

    // Act
    const detail = await serviceRoleAllowed('eu-west-2', usermanagement(), ROLE, NEW_POOL_ARN);

    // Assert
    expect(mocks.iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: ROLE,
      ResourceArns: [NEW_POOL_ARN],
      ActionNames: USER_MANAGEMENT,
    });
    expect(detail).toBe(
      `${ROLE} may call AdminCreateUser, AdminDisableUser, AdminEnableUser, AdminDeleteUser, AdminResetUserPassword, AdminGetUser on the new pool`,
    );
  });

  it('stops the cutover naming the service, what it may not do on the new pool, and the statement to add', async () => {
    // Arrange: a policy that still names only the old pool.
    roleAllows([]);

    // Act
    const failed = serviceRoleAllowed('eu-west-2', usermanagement(), ROLE, NEW_POOL_ARN);

    // Assert
    await expect(failed).rejects.toMatchObject({ name: 'PreflightFailed' });
    const [problem] = ((await failed.catch((error) => error)) as { problems: string[] }).problems;
    expect(problem).toContain(`role ${ROLE} may not call cognito-idp:AdminCreateUser,`);
    expect(problem).toContain('so after the cutover usermanagement would fail with AccessDeniedException');
    expect(problem).toContain(
      `add to the role {"Effect":"Allow","Action":["cognito-idp:AdminCreateUser","cognito-idp:AdminDisableUser","cognito-idp:AdminEnableUser","cognito-idp:AdminDeleteUser","cognito-idp:AdminResetUserPassword","cognito-idp:AdminGetUser"],"Resource":"${NEW_POOL_ARN}"}`,
    );
  });

  it('checks only the actions the plan names for the service, and lists only those denied', async () => {
    // Arrange
    const service = { ...usermanagement(), cognitoActions: ['AdminGetUser', 'ListUsers'] };
    roleAllows(['cognito-idp:AdminGetUser']);

    // Act
    const failed = await serviceRoleAllowed('eu-west-2', service, ROLE, NEW_POOL_ARN).catch((error) => error);

    // Assert
    expect(mocks.iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      ActionNames: ['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers'],
    });
    expect((failed as { problems: string[] }).problems[0]).toContain(
      `{"Effect":"Allow","Action":["cognito-idp:ListUsers"],"Resource":"${NEW_POOL_ARN}"}`,
    );
  });
});
