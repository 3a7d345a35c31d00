import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cutover, REGION } from './aws.ts';

const PLAN = 'examples/plan.json';
const PERSON = 'person-03@example.org';
const lambda = mockClient(LambdaClient);
// The CLI reads the payload's bytes; the SDK's blob adapter adds only helpers to them.
const payload = (value: unknown) => Buffer.from(JSON.stringify(value)) as never;

beforeEach(() => {
  lambda.reset();
});

describe('cutover migrate-user in the sandbox', () => {
  it('moves the user, then finds them already there in the world --state-dir keeps', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'migrate-user-'));
    const first = await cutover(['migrate-user', PERSON, '--plan', PLAN, '--state-dir', dir]);

    // Act
    const again = await cutover(['migrate-user', PERSON, '--plan', PLAN, '--state-dir', dir, '--json']);

    // Assert
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${PERSON}: Moved to eu-west-2_NewPool01 with 1 group(s)`);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ username: PERSON, outcome: 'already-in-new-pool' });
  });

  it('exits 4 for a name the old pool does not have, saying to check the spelling', async () => {
    // Act
    const { code, stdout } = await cutover(['migrate-user', 'nobody@example.org', '--plan', PLAN]);

    // Assert
    expect(code).toBe(4);
    expect(stdout).toContain('check the spelling');
  });

  it('says where to run it when neither --stage nor --plan is given, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover(['migrate-user', PERSON]);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('Give --stage STAGE');
  });
});

describe('cutover migrate-user --stage', () => {
  it("invokes the stage's migrateUser function with the username and prints its answer", async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({
        username: PERSON,
        outcome: 'moved',
        groups: 1,
        missingGroups: [],
        message: 'Moved.',
      }),
    });

    // Act
    const { code, stdout } = await cutover(['migrate-user', PERSON, '--stage', 'prod', '--region', REGION]);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toBe(`${PERSON}: Moved.\n`);
    const sent = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(sent?.FunctionName).toBe('cognito-cutover-prod-migrateUser');
    expect(JSON.parse(Buffer.from(sent?.Payload as Uint8Array).toString('utf8'))).toEqual({
      username: PERSON,
    });
  });

  it('exits 4 when the function fails, naming the error, that running again is safe, and its log group', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'AwsTransient',
        errorMessage: 'moving a user: TooManyRequestsException',
      }),
    });

    // Act
    const { code, stderr } = await cutover(['migrate-user', PERSON, '--stage', 'prod', '--region', REGION]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('AwsTransient: moving a user: TooManyRequestsException');
    expect(stderr).toContain('run the same command again');
    expect(stderr).toContain('/aws/lambda/cognito-cutover-prod-migrateUser');
  });

  it('names the deploy command when the stage has no such function', async () => {
    // Arrange
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));

    // Act
    const { code, stderr } = await cutover(['migrate-user', PERSON, '--stage', 'prod', '--region', REGION]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('npx serverless deploy --stage prod --region eu-west-2');
  });
});
