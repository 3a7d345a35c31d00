import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsCallFailed } from '../../src/errors.ts';
import { lambdaEnvironment } from '../../src/resources/lambda-environment.ts';

const lambda = mockClient(LambdaClient);
const region = 'eu-west-2';
const ref = { functionName: 'reval-api' };

beforeEach(() => {
  lambda.reset();
});

describe('lambdaEnvironment', () => {
  it('reads the environment variables', async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolves({ Environment: { Variables: { POOL_ID: 'old', STAGE: 'prod' } } });

    expect(await lambdaEnvironment.read(region, ref)).toEqual({
      variables: { POOL_ID: 'old', STAGE: 'prod' },
    });
    expect(lambda).toHaveReceivedCommandExactlyOnceWith(GetFunctionConfigurationCommand, {
      FunctionName: 'reval-api',
    });
  });

  it('reads a function without an environment as no variables', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'reval-api' });

    expect(await lambdaEnvironment.read(region, ref)).toEqual({ variables: {} });
  });

  it('refuses to read variables Lambda could not decrypt', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Environment: { Error: { ErrorCode: 'KMSAccessDeniedException', Message: 'denied' } },
    });

    await expect(lambdaEnvironment.read(region, ref)).rejects.toBeInstanceOf(AwsCallFailed);
  });

  it('writes the whole variable map', async () => {
    lambda.on(UpdateFunctionConfigurationCommand).resolves({});

    await lambdaEnvironment.write(
      region,
      ref,
      { variables: { POOL_ID: 'new', STAGE: 'prod' } },
      { variables: { POOL_ID: 'old', STAGE: 'prod' } },
    );

    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: 'reval-api', Environment: { Variables: { POOL_ID: 'new', STAGE: 'prod' } } },
    ]);
  });
});
