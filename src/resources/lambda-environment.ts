import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { EnvironmentState, FunctionRef } from '../kinds/lambda-environment.ts';
import { moveAlias } from './lambda-alias.ts';
import { lambdaEnvironmentReader } from './reads/lambda-environment.ts';
import { type Pending, type Resource, sameState } from './resource.ts';

export type { EnvironmentState, FunctionRef } from '../kinds/lambda-environment.ts';

export const lambdaEnvironment: Resource<FunctionRef, EnvironmentState> = {
  ...lambdaEnvironmentReader,

  async write(region, ref, to, from) {
    const latest = !sameState(to.variables, from.variables);
    if (latest) {
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
    }
    // The update runs on after the call (LastUpdateStatus InProgress): the state machine waits for it.
    const update: Pending = { kind: 'lambda-update', region, functionName: ref.functionName };
    if (!ref.alias || !to.alias || !from.alias || sameState(to.alias, from.alias))
      return latest ? [update] : [];
    if (to.alias.version !== from.alias.version) {
      // Back to the version it served (a restore): that version still holds what it held.
      await moveAlias(region, ref.functionName, ref.alias, to.alias.version);
      return latest ? [update] : [];
    }
    // An alias that follows $LATEST serves the update once it is done; another needs a new version,
    // which Lambda publishes only when the update has finished.
    return [from.alias.version === '$LATEST' ? update : { ...update, alias: ref.alias }];
  },
};
