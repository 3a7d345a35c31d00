// Read side of ../lambda-environment.ts, apart from its write for least privilege: Preflight only reads.

import { type FunctionConfiguration, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { AwsCallFailed } from '../../errors.ts';
import type { EnvironmentState, FunctionRef } from '../../kinds/lambda-environment.ts';
import { type ResourceReader, sameState } from '../resource.ts';

/** The configuration of the function, or of the version or alias `qualifier` names. */
export async function functionConfiguration(
  region: string,
  functionName: string,
  qualifier?: string,
): Promise<FunctionConfiguration> {
  const what = qualifier ? `${functionName}:${qualifier}` : functionName;
  return named(
    `reading the configuration of Lambda function ${what}`,
    aws
      .lambda(region)
      .send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier })),
  );
}

/** The variables a configuration holds. */
export function variablesOf(config: FunctionConfiguration, what: string): Record<string, string> {
  // Lambda omits the variables when it cannot decrypt them; reading that as "none" and writing
  // back a merge would wipe every other variable.
  const failure = config.Environment?.Error;
  if (failure) {
    throw new AwsCallFailed(
      `reading the environment of Lambda function ${what}: ${failure.ErrorCode ?? 'Error'}: ${failure.Message ?? ''}`,
    );
  }
  return { ...(config.Environment?.Variables ?? {}) };
}

export const lambdaEnvironmentReader: ResourceReader<FunctionRef, EnvironmentState> = {
  kind: 'lambda-environment',
  key: (ref) => `lambda-environment:${ref.functionName}`,
  label: (ref) =>
    `environment of Lambda function ${ref.functionName}${ref.alias ? ` (alias ${ref.alias})` : ''}`,

  async read(region, ref) {
    const variables = variablesOf(await functionConfiguration(region, ref.functionName), ref.functionName);
    if (!ref.alias) return { variables };
    // Read through the alias, the configuration of the version it points at, and that version.
    const served = await functionConfiguration(region, ref.functionName, ref.alias);
    return {
      variables,
      alias: {
        version: served.Version ?? '$LATEST',
        variables: variablesOf(served, `${ref.functionName}:${ref.alias}`),
      },
    };
  },

  // Which version serves the variables is where they are kept, not what they are.
  same: (a, b) => sameState(a.variables, b.variables) && sameState(a.alias?.variables, b.alias?.variables),
};
