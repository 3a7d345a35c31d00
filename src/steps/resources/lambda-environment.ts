import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import {
  type EnvironmentState,
  type FunctionRef,
  lambdaEnvironmentReader,
} from './reads/lambda-environment.ts';
import type { Resource } from './resource.ts';

export type { EnvironmentState, FunctionRef } from './reads/lambda-environment.ts';

export const lambdaEnvironment: Resource<FunctionRef, EnvironmentState> = {
  ...lambdaEnvironmentReader,

  async write(region, ref, to) {
    // Lambda replaces the whole map, so `to` carries every variable, not just the switched ones.
    await named(
      `updating the environment of Lambda function ${ref.functionName}`,
      aws.lambda(region).send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: ref.functionName,
          Environment: { Variables: to.variables },
        }),
      ),
    );
    return [];
  },
};
