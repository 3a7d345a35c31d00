import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PreflightFailed } from '../../src/errors.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { attributesFit } from '../../src/steps/checks/pool-fit.ts';
import { carryRuleFromEnv } from '../../src/triggers/attributes.ts';
import { example } from '../fixtures/plans.ts';
import { type CapturedLogs, captureLogs } from '../support/logs.ts';
import {
  attributesOf,
  FUNCTIONS,
  failureOf,
  jwtPayload,
  type MigrationWorld,
  startMigrationWorld,
} from '../support/migration-world.ts';

/**
 * The real trigger code behind cognito-local: the new pool's UserMigration and PreTokenGeneration
 * triggers are served by migrateUser and addLegacyClaims, with configuration read from each function's
 * environment, and the migration trigger signs users in against a second cognito-local holding the old
 * pool. Only the two-line handlers are left out.
 *
 * cognito-local turns every failed UserMigration invocation into NotAuthorizedException "User not
 * authorized", whatever the function threw; what the function threw is read from the invocation record.
 * The trigger reaches the old pool through test/support/cognito-answers.ts, which answers a wrong
 * password and an unknown user as Cognito does, so each takes the path users meet.
 */

const PASSWORD = 'Old-Pool-Passw0rd!';
const WRONG_PASSWORD = 'Not-The-Passw0rd!';
const GROUP_CLAIM = 'roles';

let world: MigrationWorld;
let logs: CapturedLogs | undefined;

beforeAll(async () => {
  world = await startMigrationWorld({ preTokenGenerationEnv: { GROUP_CLAIM } });
});

afterAll(async () => {
  await world?.stop();
});

afterEach(() => {
  logs?.restore();
  logs = undefined;
});

function getNewPoolUser(email: string) {
  return world.newCognito.send(new AdminGetUserCommand({ UserPoolId: world.newPool.id, Username: email }));
}

function migrationsSince(count: number) {
  return world.lambda.invocationsOf(FUNCTIONS.userMigration).slice(count);
}

function migrationCount(): number {
  return world.lambda.invocationsOf(FUNCTIONS.userMigration).length;
}

describe('UserMigration and PreTokenGeneration triggers on cognito-local', () => {
  it('migrates an old-pool user on first sign-in, with every attribute and the old sub kept', async () => {
    // Arrange
    const email = 'ada@example.com';
    await world.createOldUser(email, PASSWORD, {
      email_verified: 'true',
      given_name: 'Ada',
      'custom:tenant': 'acme',
    });
    const old = await world.oldCognito.send(
      new AdminGetUserCommand({ UserPoolId: world.oldPool.id, Username: email }),
    );
    const before = migrationCount();

    // Act
    const tokens = await world.signIn(email, PASSWORD);

    // Assert
    expect(tokens).toMatchObject({ AccessToken: expect.any(String), IdToken: expect.any(String) });
    expect(migrationsSince(before)).toEqual([
      expect.objectContaining({
        triggerSource: 'UserMigration_Authentication',
        userPoolId: world.newPool.id,
      }),
    ]);
    expect(migrationsSince(before)[0]).not.toHaveProperty('error');
    const migrated = await getNewPoolUser(email);
    expect(migrated.UserStatus).toBe('CONFIRMED');
    // Cognito adds a sub of its own; cognito-local adds none.
    const { sub: _sub, ...attributes } = attributesOf(migrated.UserAttributes);
    expect(attributes).toEqual({
      email,
      email_verified: 'true',
      given_name: 'Ada',
      'custom:tenant': 'acme',
      'custom:legacy_sub': attributesOf(old.UserAttributes).sub,
    });
  });

  it('puts the legacy claims in the id token, legacy_sub naming the user as the old pool did', async () => {
    // Arrange
    const email = 'katherine@example.com';
    await world.createOldUser(email, PASSWORD, { email_verified: 'true' });
    const old = await world.oldCognito.send(
      new AdminGetUserCommand({ UserPoolId: world.oldPool.id, Username: email }),
    );

    // Act
    const tokens = await world.signIn(email, PASSWORD);

    // Assert
    // Empty: a freshly migrated user is in no group (and cognito-local never sends groups to the trigger).
    expect(jwtPayload(tokens.IdToken)).toMatchObject({
      preferred_username: email,
      [GROUP_CLAIM]: '',
      legacy_sub: attributesOf(old.UserAttributes).sub,
    });
  });

  // The new pool names the user by a generated id, the old one by email: the trigger finds the old
  // user by their old sub (ListUsers), as with pools that sign users in by email.
  it("copies the old pool's groups at the first sign-in: the new pool holds them, the first token names them", async () => {
    // Arrange
    const email = 'dorothy@example.com';
    await world.createOldUser(email, PASSWORD, { email_verified: 'true' }, ['admins', 'reval-reviewers']);

    // Act
    const tokens = await world.signIn(email, PASSWORD);

    // Assert
    // By the new pool's own name for the user: cognito-local matches memberships by that name only.
    const { Username } = await getNewPoolUser(email);
    const inNewPool = await world.newCognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: world.newPool.id, Username }),
    );
    expect(inNewPool.Groups?.map((g) => g.GroupName).sort()).toEqual(['admins', 'reval-reviewers']);
    // cognito-local applies claimsToAddOrOverride but not groupOverrideDetails: the group claim shows it.
    expect(jwtPayload(tokens.IdToken)).toMatchObject({ [GROUP_CLAIM]: 'admins,reval-reviewers' });
    const claims = world.lambda.invocationsOf(FUNCTIONS.preTokenGeneration).at(-1);
    expect(claims).not.toHaveProperty('error');
  });

  it('refuses a wrong password and creates no one in the new pool', async () => {
    // Arrange
    const email = 'grace@example.com';
    await world.createOldUser(email, PASSWORD);
    const before = migrationCount();

    // Act
    const failure = await failureOf(world.signIn(email, WRONG_PASSWORD));

    // Assert
    expect(failure).toEqual({ name: 'NotAuthorizedException', message: 'User not authorized' });
    // Cognito's own answer to the trigger (NotAuthorizedException) takes the trigger's wrong-password
    // path: "Bad password", not an unexpected error, and nothing pages the operator.
    expect(world.oldPoolAnswers.rewritten).toContain(
      'AdminInitiateAuth: InvalidPasswordException → NotAuthorizedException',
    );
    expect(migrationsSince(before)).toEqual([
      expect.objectContaining({ error: { errorType: 'Error', errorMessage: 'Bad password' } }),
    ]);
    expect(await failureOf(getNewPoolUser(email))).toMatchObject({ name: 'UserNotFoundException' });
  });

  it('refuses a user neither pool knows, and creates no one', async () => {
    // Arrange
    const email = 'nobody@example.com';
    const before = migrationCount();

    // Act
    const failure = await failureOf(world.signIn(email, PASSWORD));

    // Assert
    expect(failure).toEqual({ name: 'NotAuthorizedException', message: 'User not authorized' });
    // Cognito's own answer (UserNotFoundException) takes the trigger's unknown-user path.
    expect(world.oldPoolAnswers.rewritten).toContain(
      'AdminInitiateAuth: NotAuthorizedException → UserNotFoundException',
    );
    expect(migrationsSince(before)).toEqual([
      expect.objectContaining({ error: { errorType: 'Error', errorMessage: 'User does not exist' } }),
    ]);
    expect(await failureOf(getNewPoolUser(email))).toMatchObject({ name: 'UserNotFoundException' });
  });

  it.each([
    { variable: 'OLD_POOL_CLIENT_ID', value: 'nosuchclient0000000000000' },
    { variable: 'OLD_USER_POOL_ID', value: 'local_NoSuchPl' },
  ])('reports MigrationMisconfigured, naming the fix, when $variable names nothing', async ({
    variable,
    value,
  }) => {
    // Arrange
    const email = `misconfigured-${variable.toLowerCase()}@example.com`;
    await world.createOldUser(email, PASSWORD);
    const undeploy = world.redeployUserMigration({ [variable]: value });
    logs = captureLogs();
    const before = migrationCount();

    // Act
    const failure = await failureOf(world.signIn(email, PASSWORD)).finally(undeploy);

    // Assert
    expect(failure).toEqual({ name: 'NotAuthorizedException', message: 'User not authorized' });
    const [migration] = migrationsSince(before);
    expect(migration?.error?.errorType).toBe('MigrationMisconfigured');
    expect(migration?.error?.errorMessage).toContain('ResourceNotFoundException');
    expect(migration?.error?.errorMessage).toContain(`${variable} (${value})`);
    const errors = logs.records().filter((record) => record.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'User migration is misconfigured',
        metric: 'MigrationMisconfigured',
        error: expect.objectContaining({
          name: 'MigrationMisconfigured',
          message: expect.stringContaining(`check that OLD_USER_POOL_ID`),
        }),
      }),
    ]);
    expect(await failureOf(getNewPoolUser(email))).toMatchObject({ name: 'UserNotFoundException' });
  });

  it('never logs the password or a token, whatever the outcome', async () => {
    // Arrange
    const email = 'margaret@example.com';
    const other = 'barbara@example.com';
    await world.createOldUser(email, PASSWORD, { email_verified: 'true', given_name: 'Margaret' });
    await world.createOldUser(other, PASSWORD);
    logs = captureLogs();

    // Act
    await failureOf(world.signIn(email, WRONG_PASSWORD));
    await failureOf(world.signIn('hedy@example.com', PASSWORD));
    const tokens = await world.signIn(email, PASSWORD);
    const refreshed = await world.signIn(email, PASSWORD);
    const undeploy = world.redeployUserMigration({ OLD_POOL_CLIENT_ID: 'nosuchclient0000000000000' });
    await failureOf(world.signIn(other, PASSWORD)).finally(undeploy);

    // Assert
    const written = logs.text();
    expect(written).toContain('User migrated from the old pool');
    expect(written).toContain('MigrationMisconfigured');
    const issued = [tokens, refreshed].flatMap((t) => [t.AccessToken, t.IdToken, t.RefreshToken]);
    for (const secret of [PASSWORD, WRONG_PASSWORD, ...issued]) {
      expect(secret).toBeTruthy();
      expect(written).not.toContain(secret);
    }
    // The old pool's tokens, which the trigger receives and drops, are JWTs too.
    expect(written).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('signs a migrated user in again through the new pool alone', async () => {
    // Arrange
    const email = 'mary@example.com';
    await world.createOldUser(email, PASSWORD);
    await world.signIn(email, PASSWORD);
    const before = migrationCount();
    const tokensIssued = world.lambda.invocationsOf(FUNCTIONS.preTokenGeneration).length;

    // Act
    const tokens = await world.signIn(email, PASSWORD);

    // Assert
    expect(tokens.IdToken).toEqual(expect.any(String));
    expect(migrationCount()).toBe(before);
    expect(world.lambda.invocationsOf(FUNCTIONS.preTokenGeneration)).toHaveLength(tokensIssued + 1);
  });
});

describe("Preflight's schema check on cognito-local's own DescribeUserPool", () => {
  const plan = parsePlan(example);
  const describePool = async (cognito: MigrationWorld['newCognito'], id: string) =>
    (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool ?? {};

  it('finds that the new pool holds every attribute of the old one', async () => {
    // Arrange
    const oldPool = await describePool(world.oldCognito, world.oldPool.id);
    const newPool = await describePool(world.newCognito, world.newPool.id);

    // Act
    const detail = attributesFit(
      plan,
      { oldPoolArn: '', newPoolArn: '', newPoolTriggers: {}, oldPool, newPool },
      carryRuleFromEnv({}),
    );

    // Assert: every attribute of the old schema but the two Cognito assigns, custom:tenant among them.
    const names = (oldPool.SchemaAttributes ?? []).map((a) => a.Name);
    expect(names).toContain('custom:tenant');
    const carried = names.filter((name) => name !== 'sub' && name !== 'identities');
    expect(detail).toMatch(`holds all ${carried.length} carried attribute(s)`);
  });

  it('names the custom attribute a pool without it lacks', async () => {
    // Arrange
    const oldPool = await describePool(world.oldCognito, world.oldPool.id);
    const created = await world.newCognito.send(
      new CreateUserPoolCommand({
        PoolName: 'no-tenant',
        Schema: [{ Name: 'legacy_sub', AttributeDataType: 'String', Mutable: false }],
      }),
    );
    const newPool = await describePool(world.newCognito, created.UserPool?.Id ?? '');

    // Act
    const check = () =>
      attributesFit(
        plan,
        { oldPoolArn: '', newPoolArn: '', newPoolTriggers: {}, oldPool, newPool },
        carryRuleFromEnv({}),
      );

    // Assert
    expect(check).toThrow(PreflightFailed);
    expect(check).toThrow("the new pool's schema lacks custom:tenant, which the migration carries");
  });
});
