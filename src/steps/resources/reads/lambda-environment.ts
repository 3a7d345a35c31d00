// Read side of ../lambda-environment.ts, apart from its write for least privilege: Preflight only reads.

import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as aws from '../../../aws/aws.ts';
import { named } from '../../../aws/clients.ts';
import { AwsCallFailed } from '../../../errors.ts';
import type { ResourceReader } from '../resource.ts';

export interface FunctionRef {
  functionName: string;
}

export interface EnvironmentState {
  variables: Record<string, string>;
}

export const lambdaEnvironmentReader: ResourceReader<FunctionRef, EnvironmentState> = {
  kind: 'lambda-environment',
  key: (ref) => `lambda-environment:${ref.functionName}`,
  label: (ref) => `environment of Lambda function ${ref.functionName}`,

  async read(region, ref) {
    const out = await named(
      `reading the configuration of Lambda function ${ref.functionName}`,
      aws.lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: ref.functionName })),
    );
    // Lambda omits the variables when it cannot decrypt them; reading that as "none" and writing
    // back a merge would wipe every other variable.
    const failure = out.Environment?.Error;
    if (failure) {
      throw new AwsCallFailed(
        `reading the environment of Lambda function ${ref.functionName}: ${failure.ErrorCode ?? 'Error'}: ${failure.Message ?? ''}`,
      );
    }
    return { variables: { ...(out.Environment?.Variables ?? {}) } };
  },
};
