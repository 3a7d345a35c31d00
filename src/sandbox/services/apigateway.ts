import {
  APIGatewayServiceException,
  BadRequestException,
  type CreateDeploymentCommandInput,
  type CreateDeploymentCommandOutput,
  type GetAuthorizerCommandInput,
  type GetAuthorizerCommandOutput,
  type GetAuthorizersCommandInput,
  type GetAuthorizersCommandOutput,
  type GetDeploymentCommandInput,
  type GetDeploymentCommandOutput,
  type GetRestApiCommandInput,
  type GetRestApiCommandOutput,
  type GetStageCommandInput,
  type GetStageCommandOutput,
  NotFoundException,
  type PatchOperation,
  type UpdateAuthorizerCommandInput,
  type UpdateAuthorizerCommandOutput,
  type UpdateRestApiCommandInput,
  type UpdateRestApiCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { type Env, fail, type Out, type ServiceModel, shortId } from '../core.ts';
import type { Authorizer, Deployment, RestApi, World } from '../world.ts';

function apiOf(world: World, id: string | undefined): RestApi {
  return world.restApis.get(id ?? '') ?? fail(NotFoundException, 'Invalid API identifier specified');
}

function authorizerOf(api: RestApi, id: string | undefined): Authorizer {
  return api.authorizers.get(id ?? '') ?? fail(NotFoundException, 'Invalid Authorizer identifier specified');
}

/**
 * API Gateway hands a policy back JSON-escaped (`{\"Version\":...}`, `\/` for `/`): callers that
 * JSON.parse it as it comes fail, which is exactly what a rehearsal should surface.
 */
const escapePolicy = (policy: string) => JSON.stringify(policy).slice(1, -1).replaceAll('/', '\\/');

/**
 * Stored as API Gateway keeps it: minified, with the `execute-api:/...` shorthand expanded to
 * the API's full ARN, so what is read back is not byte-for-byte what was written.
 */
function normalisePolicy(world: World, api: RestApi, value: string): string {
  const invalid = () =>
    fail(
      BadRequestException,
      'Invalid policy document. Please check the policy syntax and ensure that Principals are valid.',
    );
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(value);
  } catch {
    return invalid();
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) invalid();
  const arn = `arn:aws:execute-api:${world.region}:${world.accountId}:${api.id}`;
  const expand = (resource: unknown) =>
    typeof resource === 'string' && resource.startsWith('execute-api:')
      ? `${arn}${resource.slice('execute-api:'.length)}`
      : resource;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements) {
    if (!statement || typeof statement !== 'object') continue;
    const s = statement as { Resource?: unknown };
    if (s.Resource !== undefined)
      s.Resource = Array.isArray(s.Resource) ? s.Resource.map(expand) : expand(s.Resource);
  }
  return JSON.stringify(document);
}

function restApiOut(api: RestApi): Out<GetRestApiCommandOutput> {
  return {
    id: api.id,
    name: api.name,
    createdDate: new Date(api.createdAt),
    apiKeySource: 'HEADER',
    endpointConfiguration: { types: ['REGIONAL'] },
    disableExecuteApiEndpoint: false,
    rootResourceId: `${api.id.slice(0, 4)}root`,
    ...(api.policy ? { policy: escapePolicy(api.policy) } : {}),
  };
}

function authorizerOut(authorizer: Authorizer): Out<GetAuthorizerCommandOutput> {
  return {
    id: authorizer.id,
    name: authorizer.name,
    type: 'COGNITO_USER_POOLS',
    providerARNs: [...authorizer.providerARNs],
    authType: 'cognito_user_pools',
    identitySource: 'method.request.header.Authorization',
  };
}

function unsupported(op: PatchOperation): never {
  return fail(BadRequestException, `Invalid patch path '${op.path}' specified for op '${op.op}'`);
}

function GetRestApi(input: GetRestApiCommandInput, { world }: Env): Out<GetRestApiCommandOutput> {
  return restApiOut(apiOf(world, input.restApiId));
}

function UpdateRestApi(input: UpdateRestApiCommandInput, { world }: Env): Out<UpdateRestApiCommandOutput> {
  const api = apiOf(world, input.restApiId);
  let policy = api.policy;
  for (const op of input.patchOperations ?? []) {
    if (op.op !== 'replace' || op.path !== '/policy') unsupported(op);
    policy = op.value ? normalisePolicy(world, api, op.value) : undefined;
  }
  if (policy === undefined) delete api.policy;
  else api.policy = policy;
  return restApiOut(api);
}

function GetStage(input: GetStageCommandInput, { world }: Env): Out<GetStageCommandOutput> {
  const stage =
    apiOf(world, input.restApiId).stages.get(input.stageName ?? '') ??
    fail(NotFoundException, 'Invalid stage identifier specified');
  return {
    stageName: stage.stageName,
    deploymentId: stage.deploymentId,
    createdDate: new Date(stage.createdAt),
    lastUpdatedDate: new Date(stage.lastUpdatedAt),
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    tracingEnabled: false,
  };
}

function deploymentOut(deployment: Deployment): Out<GetDeploymentCommandOutput> {
  return {
    id: deployment.id,
    createdDate: new Date(deployment.createdAt),
    ...(deployment.description ? { description: deployment.description } : {}),
  };
}

/** A deployment freezes the API's policy and authorizers; the stage then serves that. */
function CreateDeployment(
  input: CreateDeploymentCommandInput,
  { world, now }: Env,
): Out<CreateDeploymentCommandOutput> {
  const api = apiOf(world, input.restApiId);
  const deployment: Deployment = {
    id: shortId(world),
    createdAt: now,
    providerARNs: Object.fromEntries([...api.authorizers.values()].map((a) => [a.id, [...a.providerARNs]])),
    ...(api.policy ? { policy: api.policy } : {}),
    ...(input.description ? { description: input.description } : {}),
  };
  api.deployments.set(deployment.id, deployment);
  if (input.stageName) {
    const stage = api.stages.get(input.stageName);
    if (stage) {
      stage.deploymentId = deployment.id;
      stage.lastUpdatedAt = now;
      stage.history.push({ at: now, deploymentId: deployment.id });
    } else {
      api.stages.set(input.stageName, {
        stageName: input.stageName,
        deploymentId: deployment.id,
        createdAt: now,
        lastUpdatedAt: now,
        history: [{ at: now, deploymentId: deployment.id }],
      });
    }
  }
  return deploymentOut(deployment);
}

function GetDeployment(input: GetDeploymentCommandInput, { world }: Env): Out<GetDeploymentCommandOutput> {
  const deployment =
    apiOf(world, input.restApiId).deployments.get(input.deploymentId ?? '') ??
    fail(NotFoundException, 'Invalid Deployment identifier specified');
  return deploymentOut(deployment);
}

function GetAuthorizer(input: GetAuthorizerCommandInput, { world }: Env): Out<GetAuthorizerCommandOutput> {
  return authorizerOut(authorizerOf(apiOf(world, input.restApiId), input.authorizerId));
}

function GetAuthorizers(input: GetAuthorizersCommandInput, { world }: Env): Out<GetAuthorizersCommandOutput> {
  return { items: [...apiOf(world, input.restApiId).authorizers.values()].map(authorizerOut) };
}

const USER_POOL_ARN = /^arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+_[0-9a-zA-Z]+$/;

function UpdateAuthorizer(
  input: UpdateAuthorizerCommandInput,
  { world }: Env,
): Out<UpdateAuthorizerCommandOutput> {
  const authorizer = authorizerOf(apiOf(world, input.restApiId), input.authorizerId);
  const arns = [...authorizer.providerARNs];
  for (const op of input.patchOperations ?? []) {
    if (op.path !== '/providerARNs' || (op.op !== 'add' && op.op !== 'remove')) unsupported(op);
    const arn = op.value ?? '';
    if (op.op === 'add') {
      if (!USER_POOL_ARN.test(arn)) fail(BadRequestException, `Invalid Cognito user pool ARN: ${arn}`);
      if (!arns.includes(arn)) arns.push(arn);
    } else {
      const at = arns.indexOf(arn);
      if (at < 0) fail(BadRequestException, `Cannot remove ${arn}: it is not a provider of this authorizer`);
      arns.splice(at, 1);
    }
  }
  if (arns.length === 0) {
    fail(
      BadRequestException,
      'Invalid Authorizer: COGNITO_USER_POOLS authorizers need at least one provider ARN',
    );
  }
  authorizer.providerARNs = arns;
  return authorizerOut(authorizer);
}

export const apiGateway: ServiceModel = {
  exception: APIGatewayServiceException,
  commands: {
    GetRestApi,
    UpdateRestApi,
    GetStage,
    CreateDeployment,
    GetDeployment,
    GetAuthorizer,
    GetAuthorizers,
    UpdateAuthorizer,
  },
};
