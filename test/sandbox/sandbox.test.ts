import { UpdateAuthorizerCommand } from '@aws-sdk/client-api-gateway';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { named } from '../../src/aws/clients.ts';
import { nowIso } from '../../src/clock.ts';
import { AwsTransient } from '../../src/errors.ts';
import { digest } from '../../src/redact.ts';
import { Sandbox, type WorldOptions } from '../../src/sandbox/index.ts';
import { HEALTH_URL, NEW_POOL, NEW_POOL_ARN, OLD_POOL, OLD_POOL_ARN, REGION, samplePlan } from './plan.ts';

let sandbox: Sandbox | undefined;
const start = (options: WorldOptions = {}) => {
  sandbox = Sandbox.fromPlan(samplePlan(), options).install();
  return sandbox;
};
afterEach(() => sandbox?.uninstall());

const PARAMETER = '/reval/prod/cognito-user-pool-id';
const FLAG = '/usermanagement/prod/under-maintenance';
const SECRET = 'usermanagement-cognito-pool-id-prod';
const authorizerPatch = (op: 'add' | 'remove', value: string) =>
  new UpdateAuthorizerCommand({
    restApiId: 'rv0api',
    authorizerId: 'a1',
    patchOperations: [{ op, path: '/providerARNs', value }],
  });

// Node's RequestInit type does not name undici's `dispatcher`, though fetch honours it.
const viaSandbox = (s: Sandbox) => ({ dispatcher: s.dispatcher }) as object as RequestInit;

describe('the sandbox', () => {
  it('lists what changed since a snapshot, and nothing once it is put back', async () => {
    const s = start();
    const ssm = aws.ssm(REGION);
    const before = s.snapshot();
    await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: NEW_POOL, Overwrite: true }));
    await ssm.send(new DeleteParameterCommand({ Name: FLAG }));
    await aws.secrets(REGION).send(new PutSecretValueCommand({ SecretId: SECRET, SecretString: NEW_POOL }));
    await aws.apiGateway(REGION).send(authorizerPatch('add', NEW_POOL_ARN));
    await aws.apiGateway(REGION).send(authorizerPatch('remove', OLD_POOL_ARN));

    const changed = s.compare(before);
    await ssm.send(
      new PutParameterCommand({ Name: PARAMETER, Value: OLD_POOL, Type: 'String', Overwrite: true }),
    );
    await ssm.send(new PutParameterCommand({ Name: FLAG, Value: 'false', Type: 'String' }));
    await aws.secrets(REGION).send(new PutSecretValueCommand({ SecretId: SECRET, SecretString: OLD_POOL }));
    await aws.apiGateway(REGION).send(authorizerPatch('add', OLD_POOL_ARN));
    await aws.apiGateway(REGION).send(authorizerPatch('remove', NEW_POOL_ARN));

    expect(changed).toEqual([
      { resource: 'apigateway-authorizer:rv0api/a1', expected: [OLD_POOL_ARN], actual: [NEW_POOL_ARN] },
      { resource: `secret:${SECRET}`, expected: digest(OLD_POOL), actual: digest(NEW_POOL) },
      {
        resource: `ssm-parameter:${PARAMETER}`,
        expected: { value: OLD_POOL, type: 'String' },
        actual: { value: NEW_POOL, type: 'String' },
      },
      { resource: `ssm-parameter:${FLAG}`, expected: { value: 'false', type: 'String' }, actual: null },
    ]);
    expect(s.compare(before)).toEqual([]);
  });

  it('throttles the next n calls of any service with a retryable ThrottlingException', async () => {
    const s = start();
    s.throttleNext(2);

    const first = await aws
      .ssm(REGION)
      .send(new GetParameterCommand({ Name: PARAMETER }))
      .catch((e: unknown) => e);
    const second = named(
      'reading a secret',
      aws.secrets(REGION).send(new GetSecretValueCommand({ SecretId: SECRET })),
    );
    await expect(second).rejects.toBeInstanceOf(AwsTransient);
    const third = await aws.ssm(REGION).send(new GetParameterCommand({ Name: PARAMETER }));

    expect(first).toMatchObject({
      name: 'ThrottlingException',
      $fault: 'client',
      $retryable: { throttling: true },
    });
    expect(third.Parameter?.Value).toBe(OLD_POOL);
    expect(s.calls.map((c) => c.error)).toEqual(['ThrottlingException', 'ThrottlingException', undefined]);
  });

  it('lifts the throttles that are left with throttleNext(0)', async () => {
    const s = start();
    s.throttleNext(5);

    s.throttleNext(0);

    await expect(aws.ssm(REGION).send(new GetParameterCommand({ Name: PARAMETER }))).resolves.toBeDefined();
  });

  it('fails the next call of a command with the error a test injects', async () => {
    const s = start();
    s.failNext('SSM', 'GetParameter', new ParameterNotFound({ message: 'gone', $metadata: {} }));

    const failed = aws.ssm(REGION).send(new GetParameterCommand({ Name: PARAMETER }));

    await expect(failed).rejects.toBeInstanceOf(ParameterNotFound);
    await expect(aws.ssm(REGION).send(new GetParameterCommand({ Name: PARAMETER }))).resolves.toBeDefined();
  });

  it('answers the HTTP health check with its expected status, then 503 while unhealthy', async () => {
    const s = start();

    const healthy = await fetch(HEALTH_URL, viaSandbox(s));
    s.unhealthy = true;
    const unhealthy = await fetch(HEALTH_URL, viaSandbox(s));

    expect(healthy.status).toBe(200);
    expect(unhealthy.status).toBe(503);
    await expect(fetch('https://elsewhere.example.org/', viaSandbox(s))).rejects.toThrow();
  });

  it('keeps ledger writes out of the mutating calls unless asked, so a dry-run can prove it changed nothing', async () => {
    const s = start();
    await aws.ssm(REGION).send(new GetParameterCommand({ Name: PARAMETER }));
    await aws.dynamoDb(REGION).send(
      new PutItemCommand({
        TableName: 'cognito-cutover-ledger',
        Item: { pk: { S: 'm' }, sk: { S: 'NOTICE#x' } },
      }),
    );

    expect(s.mutatingCalls()).toEqual([]);
    expect(s.mutatingCalls({ includeLedger: true }).map((c) => `${c.service}.${c.command}`)).toEqual([
      'DynamoDB.PutItem',
    ]);
  });

  it('says so when a command is not modelled', async () => {
    start();

    const unmodelled = aws
      .cognito(REGION)
      .send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: OLD_POOL, Username: 'ada', UserAttributes: [] }),
      );

    await expect(unmodelled).rejects.toThrow(
      'The sandbox does not model CognitoIdentityProvider.AdminUpdateUserAttributes',
    );
  });

  it('leaves out the resources named as missing, and refuses a label that names nothing', async () => {
    start({ missing: [`ssm-parameter:${PARAMETER}`, 'apigateway-authorizer:rv0api/a1'] });

    const read = aws.ssm(REGION).send(new GetParameterCommand({ Name: PARAMETER }));

    await expect(read).rejects.toBeInstanceOf(ParameterNotFound);
    expect(sandbox?.world.restApis.get('rv0api')?.authorizers.size).toBe(0);
    expect(() => Sandbox.fromPlan(samplePlan(), { missing: ['ssm-parameter:/typo'] })).toThrow(
      /names nothing/,
    );
  });

  it('drives the steps’ clock while installed, and gives it back on uninstall', () => {
    const s = start();

    const atStart = nowIso();
    s.clock.advance(90);
    const later = nowIso();
    s.uninstall();

    expect(atStart).toBe('2026-01-15T09:00:00.000Z');
    expect(later).toBe('2026-01-15T09:01:30.000Z');
    expect(Math.abs(Date.parse(nowIso()) - Date.now())).toBeLessThan(1000);
  });
});
