import {
  type AliasConfiguration,
  type FunctionConfiguration,
  type GetAliasCommandInput,
  type GetAliasCommandOutput,
  type GetFunctionConfigurationCommandInput,
  type GetFunctionConfigurationCommandOutput,
  type GetPolicyCommandInput,
  type GetPolicyCommandOutput,
  InvalidParameterValueException,
  LambdaServiceException,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
  PreconditionFailedException,
  type PublishVersionCommandInput,
  type PublishVersionCommandOutput,
  ResourceConflictException,
  ResourceNotFoundException,
  type UpdateAliasCommandInput,
  type UpdateAliasCommandOutput,
  type UpdateFunctionConfigurationCommandInput,
  type UpdateFunctionConfigurationCommandOutput,
} from '@aws-sdk/client-lambda';
import { type Env, fail, notModeled, type Out, type ServiceModel } from '../core.ts';
import { functionArn, type LambdaAlias, type LambdaFunction, type World } from '../world.ts';

// Updates take time, and meanwhile refuse the next one
// (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html: "During this
// time, you can't modify the function, but you can still invoke it"; LastUpdateStatus says when the
// function runs with the new configuration, https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html).
// A version freezes the configuration it was published with; an alias names one version
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), so a caller that
// invokes through an alias keeps the old settings while only $LATEST changes.

/**
 * A function may be named by name, by ARN, or by partial ARN (`123456789012:function:name`), each
 * with a `:qualifier` (a version or alias) appended, or the qualifier given apart.
 */
function addressed(world: World, name: string | undefined, qualifier?: string) {
  const [bare = '', suffix] = (name ?? '')
    .replace(/^(arn:aws[\w-]*:lambda:[^:]+:)?(\d{12}:)?function:/, '')
    .split(':');
  const fn =
    world.functions.get(bare) ??
    fail(ResourceNotFoundException, `Function not found: ${functionArn(world, bare)}`);
  return { fn, qualifier: qualifier ?? suffix };
}

const functionOf = (world: World, name: string | undefined) => addressed(world, name).fn;

const revisionId = (revision: number) => `00000000-0000-4000-8000-${revision.toString(16).padStart(12, '0')}`;

const updating = (fn: LambdaFunction, now: number) =>
  fn.updatingUntil !== undefined && now < fn.updatingUntil;

function refuseWhileUpdating(fn: LambdaFunction, now: number): void {
  if (updating(fn, now)) {
    fail(
      ResourceConflictException,
      `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
    );
  }
}

/** $LATEST takes one change at a time, and only from who read its latest revision, when they say which. */
function refuseChangeOf(fn: LambdaFunction, now: number, revision: string | undefined): void {
  refuseWhileUpdating(fn, now);
  if (revision) sameRevision(revision, fn.revision);
}

function sameRevision(given: string, revision: number): void {
  if (given !== revisionId(revision)) {
    fail(PreconditionFailedException, 'The Revision Id provided does not match the latest Revision Id.');
  }
}

function latest(fn: LambdaFunction, now: number): FunctionConfiguration {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: 'nodejs22.x',
    Role: fn.arn.replace(/:lambda:[^:]+:(\d+):function:.*/, ':iam::$1:role/lambda-execution'),
    Handler: 'index.handler',
    CodeSha256: fn.codeSha256,
    // Lambda reports LastModified as a string, not a timestamp the SDK would turn into a Date.
    LastModified: new Date(fn.lastModified).toISOString().replace('Z', '+0000'),
    Version: '$LATEST',
    RevisionId: revisionId(fn.revision),
    State: 'Active',
    LastUpdateStatus: updating(fn, now) ? 'InProgress' : 'Successful',
    ...(Object.keys(fn.variables).length > 0 ? { Environment: { Variables: { ...fn.variables } } } : {}),
  };
}

function versionConfiguration(fn: LambdaFunction, version: string, now: number): FunctionConfiguration {
  if (version === '$LATEST') return latest(fn, now);
  const published =
    fn.versions.find((v) => v.version === version) ??
    fail(ResourceNotFoundException, `Function not found: ${fn.arn}:${version}`);
  return {
    ...latest(fn, now),
    FunctionArn: `${fn.arn}:${version}`,
    Version: version,
    CodeSha256: published.codeSha256,
    LastModified: new Date(published.lastModified).toISOString().replace('Z', '+0000'),
    LastUpdateStatus: 'Successful',
    Environment: { Variables: { ...published.variables } },
  };
}

function aliasOf(fn: LambdaFunction, name: string | undefined): LambdaAlias {
  return fn.aliases.get(name ?? '') ?? fail(ResourceNotFoundException, `Alias not found: ${fn.arn}:${name}`);
}

const aliasConfiguration = (fn: LambdaFunction, alias: LambdaAlias): AliasConfiguration => ({
  AliasArn: `${fn.arn}:${alias.name}`,
  Name: alias.name,
  FunctionVersion: alias.version,
  RevisionId: revisionId(alias.revision),
  ...(alias.routing ? { RoutingConfig: { AdditionalVersionWeights: { ...alias.routing } } } : {}),
});

function GetFunctionConfiguration(
  input: GetFunctionConfigurationCommandInput,
  { world, now }: Env,
): Out<GetFunctionConfigurationCommandOutput> {
  const { fn, qualifier } = addressed(world, input.FunctionName, input.Qualifier);
  if (!qualifier || qualifier === '$LATEST') return latest(fn, now);
  // Through an alias: the configuration of the version it points at, under the alias's ARN.
  const alias = fn.aliases.get(qualifier);
  if (!alias) return versionConfiguration(fn, qualifier, now);
  return { ...versionConfiguration(fn, alias.version, now), FunctionArn: `${fn.arn}:${alias.name}` };
}

const MAX_ENVIRONMENT_BYTES = 4096;

function UpdateFunctionConfiguration(
  input: UpdateFunctionConfigurationCommandInput,
  { world, now }: Env,
): Out<UpdateFunctionConfigurationCommandOutput> {
  const fn = functionOf(world, input.FunctionName);
  refuseChangeOf(fn, now, input.RevisionId);
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
  fn.updatingUntil = now + world.functionUpdateSeconds * 1000;
  return latest(fn, now);
}

/**
 * Publishes $LATEST as it is. Lambda publishes no new version when neither code nor configuration
 * changed since the last one, and answers with that one
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html).
 */
function PublishVersion(
  input: PublishVersionCommandInput,
  { world, now }: Env,
): Out<PublishVersionCommandOutput> {
  const fn = functionOf(world, input.FunctionName);
  refuseChangeOf(fn, now, input.RevisionId);
  const last = fn.versions.at(-1);
  const unchanged =
    last &&
    last.codeSha256 === fn.codeSha256 &&
    JSON.stringify(last.variables) === JSON.stringify(fn.variables);
  if (unchanged) return versionConfiguration(fn, last.version, now);
  const version = String(fn.versions.length + 1);
  fn.versions.push({
    version,
    variables: { ...fn.variables },
    codeSha256: fn.codeSha256,
    lastModified: now,
  });
  return versionConfiguration(fn, version, now);
}

function ListAliases(input: ListAliasesCommandInput, { world }: Env): Out<ListAliasesCommandOutput> {
  const fn = functionOf(world, input.FunctionName);
  return { Aliases: [...fn.aliases.values()].map((alias) => aliasConfiguration(fn, alias)) };
}

function GetAlias(input: GetAliasCommandInput, { world }: Env): Out<GetAliasCommandOutput> {
  const fn = functionOf(world, input.FunctionName);
  return aliasConfiguration(fn, aliasOf(fn, input.Name));
}

function UpdateAlias(input: UpdateAliasCommandInput, { world, now }: Env): Out<UpdateAliasCommandOutput> {
  const fn = functionOf(world, input.FunctionName);
  const alias = aliasOf(fn, input.Name);
  if (input.RevisionId) sameRevision(input.RevisionId, alias.revision);
  if (input.FunctionVersion) {
    versionConfiguration(fn, input.FunctionVersion, now);
    alias.version = input.FunctionVersion;
  }
  alias.revision += 1;
  return aliasConfiguration(fn, alias);
}

function GetPolicy(input: GetPolicyCommandInput, { world }: Env): Out<GetPolicyCommandOutput> {
  const { fn, qualifier } = addressed(world, input.FunctionName, input.Qualifier);
  if (qualifier) throw notModeled('resource policies of Lambda versions and aliases');
  if (!fn.policy) fail(ResourceNotFoundException, 'The resource you requested does not exist.');
  return { Policy: fn.policy, RevisionId: revisionId(fn.revision) };
}

export const lambda: ServiceModel = {
  exception: LambdaServiceException,
  commands: {
    GetFunctionConfiguration,
    UpdateFunctionConfiguration,
    PublishVersion,
    ListAliases,
    GetAlias,
    UpdateAlias,
    GetPolicy,
  },
};
