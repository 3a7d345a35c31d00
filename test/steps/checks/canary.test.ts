import { createHmac } from 'node:crypto';
import {
  AdminDeleteUserCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsTransient } from '../../../src/errors.ts';
import { type SignInCheck, signInCanary } from '../../../src/steps/checks/canary.ts';
import { CANARY, canaryAnswers, idToken, mocks, NEW_POOL_ISSUER, planWith, sent } from '../aws-mocks.ts';

const plan = planWith();
const check = plan.health.checks.find((c): c is SignInCheck => c.kind === 'cognito-sign-in') as SignInCheck;
const failure = (name: string, message = `${name} from AWS`) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });

function signInReturns(claims: object): void {
  mocks.cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: idToken(claims) } });
}
const goodClaims = {
  iss: NEW_POOL_ISSUER,
  aud: 'newpooladminuiclient',
  token_use: 'id',
  email: CANARY.username,
  preferred_username: CANARY.username,
  legacy_sub: '0a1b2c3d-0000-4000-8000-000000000001',
  'cognito:groups': ['usermanagement-editors'],
};

beforeEach(() => {
  canaryAnswers();
});

describe('the cognito-sign-in check', () => {
  it('signs the canary in through the new pool with its password from Secrets Manager', async () => {
    const result = await signInCanary(plan, check);

    expect(result).toEqual({
      check: `sign-in through the new pool as ${CANARY.username}`,
      ok: true,
      detail:
        'migrated and signed in; claims iss, aud, token_use, email, preferred_username, legacy_sub, cognito:groups present',
    });
    expect(mocks.secrets).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'tis-cutover-canary',
    });
    expect(mocks.cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      ClientId: 'newpooladminuiclient',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: CANARY.username, PASSWORD: CANARY.password },
    });
  });

  it('takes the canary out of the new pool before and after, so every poll migrates it again', async () => {
    await signInCanary(plan, check);

    expect(sent().filter((c) => c !== 'GetSecretValue')).toEqual([
      'AdminDeleteUser',
      'DescribeUserPoolClient',
      'InitiateAuth',
      'AdminDeleteUser',
    ]);
    expect(mocks.cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, {
      UserPoolId: 'eu-west-2_NewPool01',
      Username: CANARY.username,
    });
  });

  it("sends SECRET_HASH, HMAC-SHA256 of username and client id under the client's secret, when the client has one", async () => {
    // Arrange: a known value, computed apart from the product's code.
    const secret = 'client-secret-value';
    mocks.cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientSecret: secret } });
    const expected = createHmac('sha256', secret)
      .update(`${CANARY.username}${plan.newPool.appClientId}`)
      .digest('base64');

    // Act
    const result = await signInCanary(plan, check);

    // Assert
    expect(result.ok).toBe(true);
    expect(mocks.cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      AuthParameters: { USERNAME: CANARY.username, PASSWORD: CANARY.password, SECRET_HASH: expected },
    });
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('fails when the ID token lacks a claim the plan expects, naming it', async () => {
    const { preferred_username: _, ...withoutPreferred } = goodClaims;
    signInReturns(withoutPreferred);

    const result = await signInCanary(plan, check);

    expect(result).toMatchObject({ ok: false, detail: 'signed in, but claim preferred_username missing' });
  });

  it('fails when the migrated canary comes through without its old identity and groups, as a broken token trigger leaves it', async () => {
    // Arrange: PreTokenGeneration not attached, or the group copy refused.
    const { legacy_sub: _, 'cognito:groups': __, ...unmarked } = goodClaims;
    signInReturns(unmarked);

    // Act
    const result = await signInCanary(plan, check);

    // Assert
    expect(result).toMatchObject({
      ok: false,
      detail: 'signed in, but claim legacy_sub missing; claim cognito:groups missing',
    });
  });

  it('fails when the token comes from another pool or client', async () => {
    signInReturns({
      ...goodClaims,
      iss: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OldPool01',
      aud: 'x',
    });

    const result = await signInCanary(plan, check);

    expect(result).toMatchObject({
      ok: false,
      detail:
        'signed in, but issued by another pool than the new one; audience is not app client newpooladminuiclient',
    });
  });

  it('fails with what Cognito said when the sign-in is refused, and still removes the canary', async () => {
    mocks.cognito
      .on(InitiateAuthCommand)
      .rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} }));

    const result = await signInCanary(plan, check);

    expect(result.ok).toBe(false);
    expect(result.detail).toContain('refused:');
    expect(result.detail).toContain('NotAuthorizedException: Incorrect username or password.');
    expect(result.detail).toContain(
      "the UserMigration trigger failed: read cognito-cutover-prod-userMigration's logs for MigrationMisconfigured",
    );
    expect(mocks.cognito).toHaveReceivedCommandTimes(AdminDeleteUserCommand, 2);
  });

  it('says what to change when Cognito answers with a challenge instead of tokens', async () => {
    mocks.cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' });

    const result = await signInCanary(plan, check);

    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringContaining('NEW_PASSWORD_REQUIRED: give the canary a permanent password'),
    });
  });

  it('fails, naming the grant, when it may not remove the canary from the new pool', async () => {
    mocks.cognito.on(AdminDeleteUserCommand).rejects(failure('AccessDeniedException'));

    const result = await signInCanary(plan, check);

    expect(result.ok).toBe(false);
    expect(result.detail).toContain(
      "grant the cutover's role cognito-idp:AdminDeleteUser on the new pool eu-west-2_NewPool01",
    );
    expect(mocks.cognito).not.toHaveReceivedCommand(InitiateAuthCommand);
  });

  it('fails, naming the secret, when the canary secret cannot be read', async () => {
    mocks.secrets
      .on(GetSecretValueCommand, { SecretId: 'tis-cutover-canary' })
      .rejects(failure('ResourceNotFoundException'));

    const result = await signInCanary(plan, check);

    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringContaining('reading the canary secret tis-cutover-canary'),
    });
  });

  it('lets throttling through, so the state retries the poll instead of counting it as unhealthy', async () => {
    mocks.cognito.on(InitiateAuthCommand).rejects(failure('TooManyRequestsException'));

    await expect(signInCanary(plan, check)).rejects.toBeInstanceOf(AwsTransient);
  });

  it('never puts the password or a token in what it reports', async () => {
    const token = idToken(goodClaims);
    mocks.cognito
      .on(InitiateAuthCommand)
      .resolves({ AuthenticationResult: { IdToken: token, AccessToken: token } });

    const reported = JSON.stringify(await signInCanary(plan, check));

    expect(reported).not.toContain(CANARY.password);
    expect(reported).not.toContain(token.split('.')[1]);
  });
});
