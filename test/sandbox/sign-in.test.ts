import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  UserLambdaValidationException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { Sandbox, secretValue, type WorldOptions } from '../../src/sandbox/index.ts';
import { example } from '../fixtures/plans.ts';

const plan = parsePlan(example);
const OLD_POOL = plan.oldPool.userPoolId;
const NEW_POOL = plan.newPool.userPoolId;

let sandbox: Sandbox;
afterEach(() => sandbox.uninstall());

/** The example's world, with the canary's credentials as the world seeded them. */
function world(options: WorldOptions = {}, { hideErrors = true } = {}) {
  sandbox = Sandbox.fromPlan(plan, options).install();
  const client = sandbox.world.pools.get(NEW_POOL)?.clients.get(plan.newPool.appClientId);
  if (client) client.preventUserExistenceErrors = hideErrors;
  const secret = secretValue(sandbox.world.secrets.get('tis-cutover-canary')) ?? '{}';
  return JSON.parse(secret) as { username: string; password: string };
}

function signIn(username: string, password: string) {
  return aws.cognito(plan.region).send(
    new InitiateAuthCommand({
      ClientId: plan.newPool.appClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

const claims = (token: string | undefined) =>
  JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8'));
const oldPoolSignIns = () =>
  sandbox.calls.filter((c) => c.command === 'AdminInitiateAuth' && !c.error).length;

describe('sign-in through the new pool in the sandbox', () => {
  it('migrates an old-pool user through the deployed trigger code, with the claims PreTokenGeneration adds', async () => {
    // Arrange
    const canary = world();

    // Act
    const out = await signIn(canary.username, canary.password);

    // Assert
    const idToken = claims(out.AuthenticationResult?.IdToken);
    expect(idToken).toMatchObject({
      iss: `https://cognito-idp.eu-west-2.amazonaws.com/${NEW_POOL}`,
      aud: plan.newPool.appClientId,
      token_use: 'id',
      email: canary.username,
      preferred_username: canary.username,
    });
    const migrated = await aws
      .cognito(plan.region)
      .send(new AdminGetUserCommand({ UserPoolId: NEW_POOL, Username: canary.username }));
    expect(migrated.UserStatus).toBe('CONFIRMED');
    expect(oldPoolSignIns()).toBe(1);
  });

  it("keeps the old pool's sub as legacy_sub, and every attribute the user had", async () => {
    // Arrange
    const canary = world();
    const old = sandbox.world.pools.get(OLD_POOL)?.users.get(canary.username);

    // Act
    const out = await signIn(canary.username, canary.password);

    // Assert
    const idToken = claims(out.AuthenticationResult?.IdToken);
    expect(idToken.sub).not.toBe(old?.sub);
    expect(idToken).toMatchObject({ legacy_sub: old?.sub, 'custom:tenant': 'tis' });
    const migrated = sandbox.world.pools.get(NEW_POOL)?.users.get(canary.username);
    expect(migrated?.attributes).toEqual({ ...old?.attributes, 'custom:legacy_sub': old?.sub });
  });

  it('copies the old-pool groups at the first sign-in, so the first token already names them', async () => {
    // Arrange
    const canary = world();

    // Act
    const first = await signIn(canary.username, canary.password);
    const again = await signIn(canary.username, canary.password);

    // Assert
    expect(claims(first.AuthenticationResult?.IdToken)['cognito:groups']).toEqual(['reval-reviewers']);
    expect(claims(first.AuthenticationResult?.AccessToken)['cognito:groups']).toEqual(['reval-reviewers']);
    expect(sandbox.world.pools.get(NEW_POOL)?.users.get(canary.username)?.groups).toEqual([
      'reval-reviewers',
    ]);
    expect(claims(again.AuthenticationResult?.IdToken)['cognito:groups']).toEqual(['reval-reviewers']);
    // Once in the group, the next sign-in reads nothing from the old pool.
    expect(sandbox.calls.filter((c) => c.command === 'AdminListGroupsForUser')).toHaveLength(1);
  });

  it('still signs a user in when a group cannot be copied, without it', async () => {
    // Arrange
    const canary = world({ missingGroup: true });

    // Act
    const out = await signIn(canary.username, canary.password);

    // Assert
    expect(claims(out.AuthenticationResult?.IdToken)).not.toHaveProperty('cognito:groups');
    expect(sandbox.calls.filter((c) => c.command === 'AdminAddUserToGroup' && c.error)).toHaveLength(1);
  });

  it("refuses to create a user whose attributes the new pool's schema lacks, as Cognito does", async () => {
    // Arrange
    const canary = world({ attributeMismatch: true }, { hideErrors: false });

    // Act
    const refused = signIn(canary.username, canary.password);

    // Assert
    await expect(refused).rejects.toBeInstanceOf(UserLambdaValidationException);
    await expect(refused).rejects.toThrow('user.custom:tenant: Attribute does not exist in the schema.');
    expect(sandbox.world.pools.get(NEW_POOL)?.users.size).toBe(0);
  });

  it('signs a migrated user in again without the trigger, until they are deleted', async () => {
    // Arrange
    const canary = world();
    await signIn(canary.username, canary.password);

    // Act
    await signIn(canary.username, canary.password);
    await aws
      .cognito(plan.region)
      .send(new AdminDeleteUserCommand({ UserPoolId: NEW_POOL, Username: canary.username }));
    await signIn(canary.username, canary.password);

    // Assert
    expect(oldPoolSignIns()).toBe(2);
  });

  it('refuses a wrong password, and migrates no one', async () => {
    // Arrange
    const canary = world();

    // Act
    const refused = signIn(canary.username, 'not-the-password');

    // Assert
    await expect(refused).rejects.toBeInstanceOf(NotAuthorizedException);
    expect(sandbox.world.pools.get(NEW_POOL)?.users.size).toBe(0);
  });

  it('tells an unknown user apart only when PreventUserExistenceErrors is off', async () => {
    // Arrange
    world({}, { hideErrors: false });

    // Act
    const refused = signIn('nobody@example.org', 'whatever');

    // Assert
    await expect(refused).rejects.toBeInstanceOf(UserNotFoundException);
  });

  it.each([
    [
      'Cognito may not invoke the trigger',
      { denyInvoke: true },
      /not authorized to perform: lambda:InvokeFunction/,
    ],
    [
      "the trigger's role may not sign in on the old pool",
      { denyOldPoolAuth: true },
      /MigrationMisconfigured|refused the migration function \(AccessDeniedException\): grant cognito-idp:AdminInitiateAuth/,
    ],
  ])('shows the reference incident when %s: the real error, or only "incorrect username or password"', async (_name, options, real) => {
    // Arrange
    const canary = world(options, { hideErrors: false });

    // Act
    const shown = signIn(canary.username, canary.password);
    await expect(shown).rejects.toBeInstanceOf(UserLambdaValidationException);
    sandbox.uninstall();
    world(options, { hideErrors: true });
    const hidden = signIn(canary.username, canary.password);

    // Assert
    await expect(shown).rejects.toThrow(real);
    await expect(hidden).rejects.toThrow('Incorrect username or password.');
  });

  it('refuses USER_PASSWORD_AUTH on an SRP-only client', async () => {
    // Arrange
    const canary = world({ srpOnlyClient: true });

    // Act
    const refused = signIn(canary.username, canary.password);

    // Assert
    await expect(refused).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(refused).rejects.toThrow('USER_PASSWORD_AUTH flow not enabled for this client');
  });

  it('counts a migrated user as drift until it is deleted again', async () => {
    // Arrange
    const canary = world();
    const before = sandbox.snapshot();

    // Act
    await signIn(canary.username, canary.password);
    const drift = sandbox.compare(before).map((d) => d.resource);

    // Assert
    expect(drift).toEqual([`cognito-user:${NEW_POOL}/${canary.username}`]);
    expect(before).toHaveProperty([`cognito-user:${OLD_POOL}/${canary.username}`]);
  });
});
