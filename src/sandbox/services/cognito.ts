import { createHmac } from 'node:crypto';
import {
  type AdminAddUserToGroupCommandInput,
  type AdminCreateUserCommandInput,
  type AdminCreateUserCommandOutput,
  type AdminDeleteUserCommandInput,
  type AdminGetUserCommandInput,
  type AdminGetUserCommandOutput,
  type AdminInitiateAuthCommandInput,
  type AdminInitiateAuthCommandOutput,
  type AdminListGroupsForUserCommandInput,
  type AdminListGroupsForUserCommandOutput,
  type AdminResetUserPasswordCommandInput,
  type AdminSetUserPasswordCommandInput,
  type AuthenticationResultType,
  CognitoIdentityProviderServiceException,
  type DescribeUserPoolClientCommandInput,
  type DescribeUserPoolClientCommandOutput,
  type DescribeUserPoolCommandInput,
  type DescribeUserPoolCommandOutput,
  type GetUserPoolMfaConfigCommandInput,
  type GetUserPoolMfaConfigCommandOutput,
  type InitiateAuthCommandInput,
  type InitiateAuthCommandOutput,
  InvalidParameterException,
  type ListGroupsCommandInput,
  type ListGroupsCommandOutput,
  type ListUserPoolClientsCommandInput,
  type ListUserPoolClientsCommandOutput,
  type ListUsersCommandInput,
  type ListUsersCommandOutput,
  NotAuthorizedException,
  PasswordResetRequiredException,
  ResourceNotFoundException,
  UserLambdaValidationException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { arrive } from '../arrivals.ts';
import { type Env, fail, type Out, type ServiceModel, serviceError, uuid } from '../core.ts';
import {
  type Listing,
  type PoolGroup,
  type PoolUser,
  signInKey,
  type UserPool,
  type UserPoolClient,
  type World,
} from '../world.ts';
import { clientOf, poolOf } from './cognito-pools.ts';
import { rateLimited } from './cognito-quotas.ts';
import { checkNewUserAttributes } from './cognito-schema.ts';
import { UpdateUserPool, UpdateUserPoolClient } from './cognito-updates.ts';

/** The caller's IAM grant, in the sandbox's simple model: an action is denied to everyone or to no one. */
function authorize(world: World, pool: UserPool, action: string): void {
  if (!world.deniedActions.has(`cognito-idp:${action}`)) return;
  throw serviceError(
    CognitoIdentityProviderServiceException,
    'AccessDeniedException',
    `User: arn:aws:sts::${world.accountId}:assumed-role/lambda-execution/caller is not authorized to perform: cognito-idp:${action} on resource: ${pool.arn} because no identity-based policy allows the cognito-idp:${action} action`,
  );
}

function allows(client: UserPoolClient, ...flows: string[]): boolean {
  return flows.some((flow) => client.explicitAuthFlows.includes(flow as never));
}

function DescribeUserPool(
  input: DescribeUserPoolCommandInput,
  { world }: Env,
): Out<DescribeUserPoolCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  return {
    UserPool: {
      Id: pool.id,
      Name: pool.name,
      Arn: pool.arn,
      LambdaConfig: { ...pool.lambdaConfig },
      CreationDate: new Date(pool.createdAt),
      LastModifiedDate: new Date(pool.createdAt),
      MfaConfiguration: pool.mfa,
      EstimatedNumberOfUsers: pool.users.size,
      DeletionProtection: pool.deletionProtection ?? 'ACTIVE',
      SchemaAttributes: pool.schema.map((attribute) => structuredClone(attribute)),
      UsernameConfiguration: { CaseSensitive: pool.caseSensitive },
    },
  };
}

/** The pool's MFA settings (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserPoolMfaConfig.html). */
function GetUserPoolMfaConfig(
  input: GetUserPoolMfaConfigCommandInput,
  { world }: Env,
): Out<GetUserPoolMfaConfigCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  return { MfaConfiguration: pool.mfa, SoftwareTokenMfaConfiguration: { Enabled: pool.totp } };
}

/**
 * A page of the pool's groups: at most `Limit` (0 to 60) of them, and a NextToken while more remain
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListGroups.html).
 */
function ListGroups(input: ListGroupsCommandInput, { world }: Env): Out<ListGroupsCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  const { items, ...next } = page([...pool.groups.values()], input.Limit, input.NextToken);
  return { Groups: items.map((g) => groupOut(pool, g)), ...next };
}

function DescribeUserPoolClient(
  input: DescribeUserPoolClientCommandInput,
  { world }: Env,
): Out<DescribeUserPoolClientCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  const client = clientOf(pool, input.ClientId);
  return {
    UserPoolClient: {
      UserPoolId: pool.id,
      ClientId: client.clientId,
      ClientName: client.clientName,
      ExplicitAuthFlows: [...client.explicitAuthFlows],
      PreventUserExistenceErrors: client.preventUserExistenceErrors ? 'ENABLED' : 'LEGACY',
      CreationDate: new Date(pool.createdAt),
      LastModifiedDate: new Date(pool.createdAt),
      RefreshTokenValidity: 30,
      AccessTokenValidity: client.accessTokenValidityMinutes,
      IdTokenValidity: client.idTokenValidityMinutes,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      AllowedOAuthFlowsUserPoolClient: client.oauth === true,
      ...(client.clientSecret ? { ClientSecret: client.clientSecret } : {}),
      ...(client.readAttributes ? { ReadAttributes: [...client.readAttributes] } : {}),
    },
  };
}

/** A page of the pool's app clients, at most 60 (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUserPoolClients.html). */
function ListUserPoolClients(
  input: ListUserPoolClientsCommandInput,
  { world }: Env,
): Out<ListUserPoolClientsCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  const { items, ...next } = page([...pool.clients.values()], input.MaxResults, input.NextToken);
  return {
    UserPoolClients: items.map((c) => ({
      ClientId: c.clientId,
      ClientName: c.clientName,
      UserPoolId: pool.id,
    })),
    ...next,
  };
}

/**
 * A confidential client refuses a sign-in that does not carry SECRET_HASH, the HMAC of the
 * username and client id under the client's secret
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
 */
// Written here from the documented formula, not imported from the product: the sandbox is a second witness.
const secretHash = (username: string, clientId: string, secret: string) =>
  createHmac('sha256', secret)
    .update(username + clientId)
    .digest('base64');

function checkSecretHash(client: UserPoolClient, parameters: Record<string, string> | undefined): void {
  if (!client.clientSecret) return;
  const given = parameters?.SECRET_HASH;
  if (!given) {
    fail(
      NotAuthorizedException,
      `Client ${client.clientId} is configured for secret but secret was not received`,
    );
  }
  if (given !== secretHash(parameters?.USERNAME ?? '', client.clientId, client.clientSecret)) {
    fail(NotAuthorizedException, `Unable to verify secret hash for client ${client.clientId}`);
  }
}

function userOf(pool: UserPool, username: string | undefined): PoolUser {
  return pool.users.get(username ?? '') ?? fail(UserNotFoundException, 'User does not exist.');
}

/**
 * A user whose password was reset has none to check: whatever they type, Cognito answers
 * PasswordResetRequiredException, and the app takes them through "forgot password"
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html).
 */
function checkPassword(user: PoolUser, password: string | undefined): void {
  if (!user.enabled) fail(NotAuthorizedException, 'User is disabled.');
  if (user.status === 'RESET_REQUIRED')
    fail(PasswordResetRequiredException, 'Password reset required for the user');
  if (user.password !== password) fail(NotAuthorizedException, 'Incorrect username or password.');
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** JWT-shaped tokens with the claims Cognito puts in them; the signature is not a real one. */
function tokens(
  pool: UserPool,
  clientId: string,
  user: PoolUser,
  now: number,
  overrides: { claims?: Record<string, string>; groups?: string[] } = {},
): AuthenticationResultType {
  const groups = overrides.groups ?? user.groups;
  const iat = Math.floor(now / 1000);
  const jwt = (claims: object) =>
    `${base64url({ kid: 'sandbox', alg: 'RS256' })}.${base64url(claims)}.c2FuZGJveA`;
  // One validity for both tokens here: the access token's, which is what an API's authorizer checks.
  const validitySeconds = (pool.clients.get(clientId)?.accessTokenValidityMinutes ?? 60) * 60;
  const common = {
    sub: user.sub,
    iss: `https://cognito-idp.${pool.arn.split(':')[3]}.amazonaws.com/${pool.id}`,
    auth_time: iat,
    iat,
    exp: iat + validitySeconds,
  };
  return {
    IdToken: jwt({
      ...user.attributes,
      ...common,
      aud: clientId,
      token_use: 'id',
      'cognito:username': user.username,
      ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
      ...overrides.claims,
    }),
    AccessToken: jwt({
      ...common,
      client_id: clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: user.username,
      ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
    }),
    RefreshToken: `sandbox-refresh-${user.sub}`,
    ExpiresIn: validitySeconds,
    TokenType: 'Bearer',
  };
}

/**
 * Counted as Cognito counts SignInSuccesses: once tokens are issued, per pool and app client
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html).
 */
function signedIn(world: World, pool: UserPool, client: UserPoolClient, now: number): void {
  const key = signInKey(pool.id, client.clientId);
  const times = world.signIns.get(key) ?? [];
  times.push(now);
  world.signIns.set(key, times);
}

function AdminInitiateAuth(
  input: AdminInitiateAuthCommandInput,
  { world, now }: Env,
): Out<AdminInitiateAuthCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminInitiateAuth');
  const client = clientOf(pool, input.ClientId);
  if (input.AuthFlow !== 'ADMIN_USER_PASSWORD_AUTH' && input.AuthFlow !== 'ADMIN_NO_SRP_AUTH') {
    fail(
      InvalidParameterException,
      `The sandbox models only ADMIN_USER_PASSWORD_AUTH, not ${input.AuthFlow}`,
    );
  }
  if (!allows(client, 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH')) {
    fail(InvalidParameterException, 'Auth flow not enabled for this client');
  }
  checkSecretHash(client, input.AuthParameters);
  const user = userOf(pool, input.AuthParameters?.USERNAME);
  checkPassword(user, input.AuthParameters?.PASSWORD);
  signedIn(world, pool, client, now);
  return { ChallengeParameters: {}, AuthenticationResult: tokens(pool, client.clientId, user, now) };
}

/** A user as AdminGetUser and ListUsers describe one; `sub` is among the attributes. */
function userOut(user: PoolUser) {
  return {
    Username: user.username,
    Attributes: [
      { Name: 'sub', Value: user.sub },
      ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
    ],
    UserCreateDate: new Date(user.createdAt),
    UserLastModifiedDate: new Date(user.modifiedAt ?? user.createdAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

function AdminGetUser(input: AdminGetUserCommandInput, { world }: Env): Out<AdminGetUserCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminGetUser');
  // AdminGetUser names the list UserAttributes; ListUsers, Attributes.
  const { Attributes: UserAttributes, ...user } = userOut(userOf(pool, input.Username));
  return { ...user, UserAttributes };
}

/** Pages of at most 60, as Cognito's group, user and app client listings allow. */
function page<T>(
  items: { length: number; slice(start: number, end: number): T[] },
  limit: number | undefined,
  token: string | undefined,
) {
  const size = limit ?? 60;
  if (!Number.isInteger(size) || size < 0 || size > 60) {
    fail(
      InvalidParameterException,
      `1 validation error detected: Value '${size}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60`,
    );
  }
  const start = token ? Number(token) : 0;
  return {
    items: items.slice(start, start + size),
    ...(start + size < items.length ? { NextToken: String(start + size) } : {}),
  };
}

const groupOut = (pool: UserPool, g: PoolGroup) => ({
  GroupName: g.name,
  UserPoolId: pool.id,
  Description: g.description,
  Precedence: g.precedence,
  CreationDate: new Date(g.createdAt),
  LastModifiedDate: new Date(g.createdAt),
});

/** The groups a user is in (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListGroupsForUser.html). */
function AdminListGroupsForUser(
  input: AdminListGroupsForUserCommandInput,
  { world }: Env,
): Out<AdminListGroupsForUserCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminListGroupsForUser');
  const user = userOf(pool, input.Username);
  const groups = user.groups.flatMap((name) => {
    const group = pool.groups.get(name);
    return group ? [groupOut(pool, group)] : [];
  });
  const { items, ...next } = page(groups, input.Limit, input.NextToken);
  return { Groups: items, ...next };
}

/**
 * Adds a user to a group; adding a member again changes nothing. The group must exist
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html).
 */
function AdminAddUserToGroup(input: AdminAddUserToGroupCommandInput, { world }: Env): object {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminAddUserToGroup');
  const user = userOf(pool, input.Username);
  const group = pool.groups.get(input.GroupName ?? '');
  if (!group) fail(ResourceNotFoundException, 'Group not found.');
  if (!user.groups.includes(group.name)) user.groups.push(group.name);
  return {};
}

/**
 * Users whose attribute equals (`=`) or starts with (`^=`) a value; one filter, on the attributes
 * ListUsers can search, at most 60 a page
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html).
 */
const SEARCHABLE = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'sub',
]);
/** The names a filter matches, per pool and filter, kept while the pool's membership is unchanged. */
const listings = new WeakMap<UserPool['users'], { version: number; byFilter: Map<string, Listing> }>();

function matching(pool: UserPool, filter: string | undefined): Listing {
  const users = pool.users;
  let cached = listings.get(users);
  if (cached?.version !== users.version) {
    cached = { version: users.version, byFilter: new Map() };
    listings.set(users, cached);
  }
  const hit = cached.byFilter.get(filter ?? '');
  if (hit) return hit;
  const shard = /^\s*sub\s*\^=\s*"([0-9a-f]+)"\s*$/.exec(filter ?? '')?.[1];
  const known = shard === undefined ? undefined : users.subPrefix(shard);
  if (known) {
    cached.byFilter.set(filter ?? '', known);
    return known;
  }
  let found = [...users.values()];
  if (filter) {
    const match = /^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(filter);
    if (!match || !SEARCHABLE.has(match[1] ?? ''))
      fail(InvalidParameterException, 'Invalid search attribute');
    const [, name, operator, value = ''] = match;
    const searched = (u: PoolUser) =>
      name === 'username' ? u.username : name === 'sub' ? u.sub : (u.attributes[name ?? ''] ?? '');
    found = found.filter((u) => (operator === '=' ? searched(u) === value : searched(u).startsWith(value)));
  }
  const names = found.map((u) => u.username);
  cached.byFilter.set(filter ?? '', names);
  return names;
}

function ListUsers(input: ListUsersCommandInput, { world }: Env): Out<ListUsersCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'ListUsers');
  const { items, ...next } = page(matching(pool, input.Filter), input.Limit, input.PaginationToken);
  return {
    // A user changed since the listing was made is described as they are now.
    Users: items.flatMap((name) => {
      const user = pool.users.get(name);
      return user ? [userOut(user)] : [];
    }),
    ...(next.NextToken ? { PaginationToken: next.NextToken } : {}),
  };
}

/**
 * Creates a user as an administrator: the attributes must fit the schema, the name must be free, and
 * the user waits in FORCE_CHANGE_PASSWORD for the temporary password (none is sent with SUPPRESS)
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html).
 */
function AdminCreateUser(
  input: AdminCreateUserCommandInput,
  { world, now }: Env,
): Out<AdminCreateUserCommandOutput> {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminCreateUser');
  const username = input.Username ?? '';
  if (pool.users.has(username)) fail(UsernameExistsException, 'User account already exists');
  const attributes = Object.fromEntries(
    (input.UserAttributes ?? []).flatMap(({ Name, Value }) =>
      Name && Value !== undefined ? [[Name, Value]] : [],
    ),
  );
  checkNewUserAttributes(pool.schema, attributes);
  const user: PoolUser = {
    username,
    sub: uuid(world),
    password: input.TemporaryPassword ?? `temporary-${uuid(world)}`,
    attributes,
    status: 'FORCE_CHANGE_PASSWORD',
    enabled: true,
    groups: [],
    createdAt: now,
  };
  pool.users.set(username, user);
  return { User: userOut(user) };
}

/**
 * Sets a user's password: permanent, the user is CONFIRMED; otherwise it is a temporary one to change
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html).
 */
function AdminSetUserPassword(input: AdminSetUserPasswordCommandInput, { world, now }: Env): object {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminSetUserPassword');
  const user = userOf(pool, input.Username);
  user.password = input.Password ?? '';
  user.status = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
  user.modifiedAt = now;
  return {};
}

/**
 * Deactivates a user's password: at their next sign-in Cognito answers PasswordResetRequiredException
 * and the app takes them through "forgot password"
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html).
 * A user who has never set a password of their own (FORCE_CHANGE_PASSWORD) has none to reset, and
 * Cognito refuses.
 */
function AdminResetUserPassword(input: AdminResetUserPasswordCommandInput, { world, now }: Env): object {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminResetUserPassword');
  const user = userOf(pool, input.Username);
  if (user.status === 'FORCE_CHANGE_PASSWORD')
    fail(NotAuthorizedException, 'User password cannot be reset in the current state.');
  user.status = 'RESET_REQUIRED';
  user.modifiedAt = now;
  return {};
}

function AdminDeleteUser(input: AdminDeleteUserCommandInput, { world }: Env): object {
  const pool = poolOf(world, input.UserPoolId);
  authorize(world, pool, 'AdminDeleteUser');
  pool.users.delete(userOf(pool, input.Username).username);
  return {};
}

/**
 * A trigger's failure as the signing-in client sees it. With PreventUserExistenceErrors on, every
 * such failure reads "Incorrect username or password": the symptom of the reference incident.
 */
function triggerFailed(client: UserPoolClient, trigger: string, error: unknown): never {
  if (client.preventUserExistenceErrors) fail(NotAuthorizedException, 'Incorrect username or password.');
  const message = error instanceof Error ? error.message : String(error);
  if (trigger === 'UserMigration' && message === 'User does not exist') {
    fail(UserNotFoundException, 'User does not exist.');
  }
  fail(UserLambdaValidationException, `${trigger} failed with error ${message}.`);
}

/**
 * Cognito invoking one of the pool's triggers: the common envelope around `event`, and the
 * trigger's `response` back; a failure reaches the signing-in client as Cognito reports it.
 */
async function runTrigger<Response>(
  env: Env,
  pool: UserPool,
  client: UserPoolClient,
  trigger: 'UserMigration' | 'PreTokenGeneration',
  event: { triggerSource: string; userName: string; request: object; response: object },
): Promise<Partial<Response>> {
  try {
    const out = await env.invoke({
      functionArn: pool.lambdaConfig[trigger] ?? '',
      principal: 'cognito-idp.amazonaws.com',
      sourceArn: pool.arn,
      event: {
        version: '1',
        region: env.world.region,
        userPoolId: pool.id,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: client.clientId },
        ...event,
      },
    });
    return (out as { response?: Partial<Response> }).response ?? {};
  } catch (error) {
    triggerFailed(client, trigger, error);
  }
}

interface MigrationResponse {
  userAttributes: Record<string, string> | null;
  finalUserStatus: string | null;
}

async function migrate(
  pool: UserPool,
  client: UserPoolClient,
  username: string,
  password: string,
  env: Env,
): Promise<PoolUser> {
  if (!pool.lambdaConfig.UserMigration) fail(UserNotFoundException, 'User does not exist.');
  const response = await runTrigger<MigrationResponse>(env, pool, client, 'UserMigration', {
    triggerSource: 'UserMigration_Authentication',
    userName: username,
    request: { password, validationData: null, clientMetadata: null },
    response: {
      userAttributes: null,
      forceAliasCreation: null,
      enableSMSMFA: null,
      finalUserStatus: null,
      messageAction: null,
      desiredDeliveryMediums: null,
    },
  });
  const attributes = response.userAttributes ?? {};
  try {
    checkNewUserAttributes(pool.schema, attributes);
  } catch (error) {
    // Cognito creates the user from what the trigger answered; a refusal reaches the client as the trigger's failure.
    triggerFailed(client, 'UserMigration', error);
  }
  const user: PoolUser = {
    username,
    sub: uuid(env.world),
    password,
    attributes,
    status: response.finalUserStatus === 'CONFIRMED' ? 'CONFIRMED' : 'RESET_REQUIRED',
    enabled: true,
    groups: [],
    createdAt: env.now,
  };
  pool.users.set(username, user);
  return user;
}

interface ClaimsResponse {
  claimsOverrideDetails: {
    claimsToAddOrOverride?: Record<string, string>;
    groupOverrideDetails?: { groupsToOverride?: string[] };
  } | null;
}

/**
 * What PreTokenGeneration changes in the tokens: claims it adds, and the groups `cognito:groups`
 * names when it overrides them
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
 */
async function tokenOverrides(pool: UserPool, client: UserPoolClient, user: PoolUser, env: Env) {
  if (!pool.lambdaConfig.PreTokenGeneration) return {};
  const response = await runTrigger<ClaimsResponse>(env, pool, client, 'PreTokenGeneration', {
    triggerSource: 'TokenGeneration_Authentication',
    userName: user.username,
    request: {
      userAttributes: { sub: user.sub, 'cognito:user_status': user.status, ...user.attributes },
      groupConfiguration: { groupsToOverride: [...user.groups], iamRolesToOverride: [], preferredRole: null },
    },
    response: { claimsOverrideDetails: null },
  });
  const details = response.claimsOverrideDetails;
  return {
    claims: details?.claimsToAddOrOverride ?? {},
    ...(details?.groupOverrideDetails?.groupsToOverride
      ? { groups: details.groupOverrideDetails.groupsToOverride }
      : {}),
  };
}

/** USER_PASSWORD_AUTH, with lazy migration: a user the pool does not have yet goes through its trigger. */
async function InitiateAuth(
  input: InitiateAuthCommandInput,
  env: Env,
): Promise<Out<InitiateAuthCommandOutput>> {
  const pool = [...env.world.pools.values()].find((p) => p.clients.has(input.ClientId ?? ''));
  if (!pool) fail(ResourceNotFoundException, `User pool client ${input.ClientId} does not exist.`);
  const client = clientOf(pool, input.ClientId);
  if (input.AuthFlow !== 'USER_PASSWORD_AUTH') {
    fail(InvalidParameterException, `The sandbox models only USER_PASSWORD_AUTH, not ${input.AuthFlow}`);
  }
  if (!allows(client, 'ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH')) {
    fail(InvalidParameterException, 'USER_PASSWORD_AUTH flow not enabled for this client');
  }
  checkSecretHash(client, input.AuthParameters);
  const username = input.AuthParameters?.USERNAME ?? '';
  const password = input.AuthParameters?.PASSWORD ?? '';
  const existing = pool.users.get(username);
  const user = existing ?? (await migrate(pool, client, username, password, env));
  try {
    checkPassword(user, password);
  } catch (error) {
    if (client.preventUserExistenceErrors && error instanceof UserNotFoundException) {
      fail(NotAuthorizedException, 'Incorrect username or password.');
    }
    throw error;
  }
  const overrides = await tokenOverrides(pool, client, user, env);
  signedIn(env.world, pool, client, env.now);
  return {
    ChallengeParameters: {},
    AuthenticationResult: tokens(pool, client.clientId, user, env.now, overrides),
  };
}

export const cognito: ServiceModel = {
  exception: CognitoIdentityProviderServiceException,
  commands: rateLimited({
    DescribeUserPool,
    DescribeUserPoolClient,
    GetUserPoolMfaConfig,
    ListGroups,
    ListUserPoolClients,
    AdminInitiateAuth,
    AdminGetUser,
    AdminDeleteUser,
    AdminListGroupsForUser,
    AdminAddUserToGroup,
    AdminCreateUser,
    AdminSetUserPassword,
    AdminResetUserPassword,
    ListUsers,
    InitiateAuth,
    UpdateUserPool,
    UpdateUserPoolClient,
  }),
  // People keep signing in and up while the front end serves the new pool.
  settle: arrive,
};
