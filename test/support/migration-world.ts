import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AttributeType,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent, UserMigrationTriggerEvent } from 'aws-lambda';
import { useTransport } from '../../src/aws/clients.ts';
import { addLegacyClaims, preTokenGenerationConfigFromEnv } from '../../src/triggers/pre-token-generation.ts';
import { migrateUser, userMigrationConfigFromEnv } from '../../src/triggers/user-migration.ts';
import { answerAsCognito, type CognitoAnswers } from './cognito-answers.ts';
import { type CognitoLocal, startCognitoLocal } from './cognito-local.ts';
import { type LambdaInvokeServer, startLambdaInvokeServer } from './lambda-invoke.ts';

/** The function names cognito-local is told to invoke for the new pool's triggers. */
export const FUNCTIONS = { userMigration: 'migrateUser', preTokenGeneration: 'preTokenGeneration' } as const;

/** Cognito-local pools have no region prefix; the trigger then takes the function's own AWS_REGION. */
const REGION = 'local';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface MigrationWorldOptions {
  /** Variables of the UserMigration function, over the old pool and client ids the world sets. */
  userMigrationEnv?: NodeJS.ProcessEnv;
  /** Variables of the PreTokenGeneration function. */
  preTokenGenerationEnv?: NodeJS.ProcessEnv;
  /** The new pool's custom attributes besides legacy_sub; by default the old pool's `tenant`. */
  newPoolSchema?: SchemaAttributeType[];
}

export interface MigrationWorld {
  readonly oldPool: { id: string; migrationClientId: string };
  readonly newPool: { id: string; clientId: string };
  /** The test's own clients, one per emulator; the trigger builds its own through src/aws/clients.ts. */
  readonly oldCognito: CognitoIdentityProviderClient;
  readonly newCognito: CognitoIdentityProviderClient;
  readonly lambda: LambdaInvokeServer;
  /** The old pool as the trigger reaches it: cognito-local, answering as Cognito does where they differ. */
  readonly oldPoolAnswers: CognitoAnswers;
  /** Wall time until both emulators answered (they start in parallel). */
  readonly startupMs: number;
  /** A confirmed user of the old pool, signed up with `email` as username, in `groups` of GROUPS. */
  createOldUser(
    email: string,
    password: string,
    attributes?: Record<string, string>,
    groups?: readonly string[],
  ): Promise<void>;
  /** A USER_PASSWORD_AUTH sign-in on the new pool's app client, as the apps will do after the cutover. */
  signIn(email: string, password: string): Promise<AuthenticationResultType>;
  /** Redeploys the UserMigration function with these variables over the world's own; returns the undo. */
  redeployUserMigration(env: NodeJS.ProcessEnv): () => void;
  stop(): Promise<void>;
}

/**
 * Two cognito-local instances on 127.0.0.1: the old pool, with no triggers (as in production), and the
 * new pool, whose UserMigration and PreTokenGeneration triggers run this repository's trigger code through
 * a Lambda Invoke endpoint. Two instances because cognito-local's triggers apply to every pool it holds:
 * in one instance the trigger's own sign-in against the old pool would invoke the trigger again.
 *
 * The trigger's SDK client is pointed at the old-pool emulator through the service-specific endpoint
 * variable, so it is built by the production client factory, unchanged.
 */
export async function startMigrationWorld(options: MigrationWorldOptions = {}): Promise<MigrationWorld> {
  const cleanups: Cleanup[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const lambda = await startLambdaInvokeServer();
    cleanups.push(() => lambda.stop());

    const started = performance.now();
    const [oldEmulator, newEmulator] = await startBoth(cleanups, lambda.url);
    const startupMs = performance.now() - started;

    const oldCognito = clientFor(oldEmulator);
    const newCognito = clientFor(newEmulator);
    cleanups.push(() => {
      oldCognito.destroy();
      newCognito.destroy();
    });

    const oldPool = await createPool(oldCognito, 'old-pool', 'migration', [
      'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    const newPool = await createPool(
      newCognito,
      'new-pool',
      'web',
      ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      [...(options.newPoolSchema ?? [TENANT]), LEGACY_SUB],
    );

    await Promise.all(
      GROUPS.flatMap((GroupName) => [
        oldCognito.send(new CreateGroupCommand({ UserPoolId: oldPool.id, GroupName })),
        newCognito.send(new CreateGroupCommand({ UserPoolId: newPool.id, GroupName })),
      ]),
    );

    // The trigger meets the old pool's errors as Cognito words them, not as cognito-local does.
    const oldPoolAnswers = await answerAsCognito(oldEmulator.url, { [newPool.id]: newEmulator.url });
    cleanups.push(() => oldPoolAnswers.stop());
    cleanups.push(pointTriggerClientsAt(oldPoolAnswers.url));

    const baseMigrationEnv: NodeJS.ProcessEnv = {
      OLD_USER_POOL_ID: oldPool.id,
      OLD_POOL_CLIENT_ID: oldPool.clientId,
      AWS_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTIONS.userMigration,
      ...options.userMigrationEnv,
    };
    // Each function reads its configuration once, at load, as the handlers do.
    const deployUserMigration = (env: NodeJS.ProcessEnv) => {
      const config = userMigrationConfigFromEnv(env);
      lambda.define(FUNCTIONS.userMigration, (event) =>
        migrateUser(event as UserMigrationTriggerEvent, config),
      );
    };
    deployUserMigration(baseMigrationEnv);
    const preTokenConfig = preTokenGenerationConfigFromEnv({
      AWS_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTIONS.preTokenGeneration,
      OLD_USER_POOL_ID: oldPool.id,
      ...options.preTokenGenerationEnv,
    });
    lambda.define(FUNCTIONS.preTokenGeneration, (event) =>
      addLegacyClaims(event as PreTokenGenerationTriggerEvent, preTokenConfig),
    );

    return {
      oldPool: { id: oldPool.id, migrationClientId: oldPool.clientId },
      newPool: { id: newPool.id, clientId: newPool.clientId },
      oldCognito,
      newCognito,
      lambda,
      oldPoolAnswers,
      startupMs,
      async createOldUser(email, password, attributes = {}, groups = []) {
        await oldCognito.send(
          new AdminCreateUserCommand({
            UserPoolId: oldPool.id,
            Username: email,
            UserAttributes: [{ Name: 'email', Value: email }, ...toAttributeList(attributes)],
            MessageAction: 'SUPPRESS',
          }),
        );
        await oldCognito.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: oldPool.id,
            Username: email,
            Password: password,
            Permanent: true,
          }),
        );
        for (const GroupName of groups) {
          await oldCognito.send(
            new AdminAddUserToGroupCommand({ UserPoolId: oldPool.id, Username: email, GroupName }),
          );
        }
      },
      async signIn(email, password) {
        const answer = await newCognito.send(
          new InitiateAuthCommand({
            ClientId: newPool.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
        );
        if (!answer.AuthenticationResult) {
          throw new Error(`Sign-in ended in challenge ${answer.ChallengeName ?? '(none)'}, not tokens`);
        }
        return answer.AuthenticationResult;
      },
      redeployUserMigration(env) {
        deployUserMigration({ ...baseMigrationEnv, ...env });
        return () => deployUserMigration(baseMigrationEnv);
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

type Cleanup = () => Promise<void> | void;

async function startBoth(cleanups: Cleanup[], lambdaEndpoint: string): Promise<[CognitoLocal, CognitoLocal]> {
  const settled = await Promise.allSettled([
    startCognitoLocal(),
    startCognitoLocal({
      lambdaEndpoint,
      triggerFunctions: {
        UserMigration: FUNCTIONS.userMigration,
        PreTokenGeneration: FUNCTIONS.preTokenGeneration,
      },
    }),
  ]);
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') cleanups.push(() => outcome.value.stop());
  }
  const [oldEmulator, newEmulator] = settled;
  if (oldEmulator.status === 'rejected') throw oldEmulator.reason;
  if (newEmulator.status === 'rejected') throw newEmulator.reason;
  return [oldEmulator.value, newEmulator.value];
}

function clientFor(emulator: CognitoLocal): CognitoIdentityProviderClient {
  // One attempt: a test must see the emulator's first answer, not a retried one.
  return new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: emulator.url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
}

/** The groups both pools have. */
export const GROUPS = ['admins', 'reval-reviewers'] as const;

/** The custom attribute the old pool's users carry. */
const TENANT: SchemaAttributeType = { Name: 'tenant', AttributeDataType: 'String', Mutable: true };
/** Where the new pool keeps a migrated user's old sub, as runbooks/triggers.md creates it. */
const LEGACY_SUB: SchemaAttributeType = {
  Name: 'legacy_sub',
  AttributeDataType: 'String',
  Mutable: false,
  StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
};

async function createPool(
  cognito: CognitoIdentityProviderClient,
  name: string,
  clientName: string,
  explicitAuthFlows: NonNullable<CreateUserPoolClientCommand['input']['ExplicitAuthFlows']>,
  custom: SchemaAttributeType[] = [TENANT],
): Promise<{ id: string; clientId: string }> {
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({ PoolName: name, UsernameAttributes: ['email'], Schema: custom }),
  );
  const id = UserPool?.Id;
  if (!id) throw new Error(`CreateUserPool ${name} returned no id`);
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: id,
      ClientName: clientName,
      GenerateSecret: false,
      ExplicitAuthFlows: explicitAuthFlows,
    }),
  );
  const clientId = UserPoolClient?.ClientId;
  if (!clientId) throw new Error(`CreateUserPoolClient ${clientName} returned no id`);
  return { id, clientId };
}

/**
 * Points the clients src/aws/clients.ts builds at the old pool, with dummy credentials so the
 * SDK never looks further (profiles, instance metadata). Returns the undo.
 */
function pointTriggerClientsAt(url: string): () => void {
  const changes: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: url,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const previous = Object.fromEntries(Object.keys(changes).map((key) => [key, process.env[key]]));
  setEnv(changes);
  // Clients are cached per region; a client built before the variable was set would miss it.
  useTransport(undefined);
  return () => {
    setEnv(previous);
    useTransport(undefined);
  };
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

function toAttributeList(attributes: Record<string, string>): AttributeType[] {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
}

/** The attributes of an AdminGetUser answer as a record. */
export function attributesOf(list: AttributeType[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map(({ Name, Value }) => [Name ?? '', Value ?? '']));
}

/** The payload of a JWT, unverified: the tests only read what the emulator put in. */
export function jwtPayload(token: string | undefined): Record<string, unknown> {
  const payload = token?.split('.')[1];
  if (payload === undefined) throw new Error('Not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The name and message a client sees when `pending` fails; `undefined` when it succeeds. */
export async function failureOf(
  pending: Promise<unknown>,
): Promise<{ name: string; message: string } | undefined> {
  try {
    await pending;
    return undefined;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}
