import {
  type FunctionConfiguration,
  type GetFunctionConfigurationCommandInput,
  type GetFunctionConfigurationCommandOutput,
  type GetPolicyCommandInput,
  type GetPolicyCommandOutput,
  InvalidParameterValueException,
  LambdaServiceException,
  PreconditionFailedException,
  ResourceNotFoundException,
  type UpdateFunctionConfigurationCommandInput,
  type UpdateFunctionConfigurationCommandOutput,
} from '@aws-sdk/client-lambda';
import { type Env, fail, notModeled, type Out, type ServiceModel } from '../core.ts';
import { functionArn, type LambdaFunction, type World } from '../world.ts';

/** A function may be named by name, by ARN, or by partial ARN (`123456789012:function:name`). */
function functionOf(world: World, name: string | undefined, qualifier?: string): LambdaFunction {
  const bare = (name ?? '').replace(/^(arn:aws[\w-]*:lambda:[^:]+:)?(\d{12}:)?function:/, '');
  const fn =
    world.functions.get(bare) ??
    fail(ResourceNotFoundException, `Function not found: ${functionArn(world, bare)}`);
  if (qualifier && qualifier !== '$LATEST') throw notModeled('Lambda versions and aliases');
  return fn;
}

const revisionId = (fn: LambdaFunction) =>
  `00000000-0000-4000-8000-${fn.revision.toString(16).padStart(12, '0')}`;

function configuration(
  fn: LambdaFunction,
  lastUpdateStatus: 'Successful' | 'InProgress',
): FunctionConfiguration {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: 'nodejs22.x',
    Role: fn.arn.replace(/:lambda:[^:]+:(\d+):function:.*/, ':iam::$1:role/lambda-execution'),
    Handler: 'index.handler',
    // Lambda reports LastModified as a string, not a timestamp the SDK would turn into a Date.
    LastModified: new Date(fn.lastModified).toISOString().replace('Z', '+0000'),
    Version: '$LATEST',
    RevisionId: revisionId(fn),
    State: 'Active',
    LastUpdateStatus: lastUpdateStatus,
    ...(Object.keys(fn.variables).length > 0 ? { Environment: { Variables: { ...fn.variables } } } : {}),
  };
}

function GetFunctionConfiguration(
  input: GetFunctionConfigurationCommandInput,
  { world }: Env,
): Out<GetFunctionConfigurationCommandOutput> {
  return configuration(functionOf(world, input.FunctionName, input.Qualifier), 'Successful');
}

const MAX_ENVIRONMENT_BYTES = 4096;

function UpdateFunctionConfiguration(
  input: UpdateFunctionConfigurationCommandInput,
  { world, now }: Env,
): Out<UpdateFunctionConfigurationCommandOutput> {
  const fn = functionOf(world, input.FunctionName);
  if (input.RevisionId && input.RevisionId !== revisionId(fn)) {
    fail(PreconditionFailedException, 'The Revision Id provided does not match the latest Revision Id.');
  }
  if (input.Environment) {
    // The call replaces the whole set: a variable left out is deleted.
    const variables = { ...input.Environment.Variables };
    if (Buffer.byteLength(JSON.stringify(variables)) > MAX_ENVIRONMENT_BYTES) {
      fail(
        InvalidParameterValueException,
        'Lambda was unable to configure your environment variables because they exceed the 4KB limit.',
      );
    }
    fn.variables = variables;
  }
  fn.revision += 1;
  fn.lastModified = now;
  // The update itself finishes at once in the sandbox; the response reports it as started, as Lambda does.
  return configuration(fn, 'InProgress');
}

function GetPolicy(input: GetPolicyCommandInput, { world }: Env): Out<GetPolicyCommandOutput> {
  const fn = functionOf(world, input.FunctionName, input.Qualifier);
  if (!fn.policy) fail(ResourceNotFoundException, 'The resource you requested does not exist.');
  return { Policy: fn.policy, RevisionId: revisionId(fn) };
}

export const lambda: ServiceModel = {
  exception: LambdaServiceException,
  commands: { GetFunctionConfiguration, UpdateFunctionConfiguration, GetPolicy },
};
