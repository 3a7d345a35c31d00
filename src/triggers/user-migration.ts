import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AdminGetUserCommand, AdminInitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod';
import * as aws from '../aws/aws.ts';
import { toNamedError } from '../aws/clients.ts';
import { clientSecretOf, withSecretHash } from '../aws/secret-hash.ts';
import { requireEnv } from '../config.ts';
import { MigrationMisconfigured } from '../errors.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { type CarryRule, carriedAttributes, carryRuleFromEnv } from './attributes.ts';
import { parseTriggerEvent } from './event.ts';
import { oldPoolFromEnv } from './old-pool.ts';

/**
 * Cognito gives a trigger 5 s in all, cold start included; both old-pool calls, SDK retries
 * included, share this budget so the trigger answers well inside that.
 */
export const OLD_POOL_CALL_TIMEOUT_MS = 3000;

export interface UserMigrationConfig {
  oldUserPoolId: string;
  oldPoolClientId: string;
  region: string;
  /** Which attributes travel, and where the old `sub` is kept. */
  carry: CarryRule;
  /** The function's own name, for fixes that name its role. */
  functionName: string;
}

/**
 * Reads the trigger's configuration from `env` (the function's own environment). The handler calls
 * it at load so a misdeployment fails first; the sandbox and the emulator tests pass a function's
 * variables so they run the same code.
 */
export function userMigrationConfigFromEnv(env: NodeJS.ProcessEnv = process.env): UserMigrationConfig {
  const { oldUserPoolId, region } = oldPoolFromEnv(env);
  const oldPoolClientId = requireEnv('OLD_POOL_CLIENT_ID', env);
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME ?? '(the migration function)';
  return { oldUserPoolId, oldPoolClientId, region, carry: carryRuleFromEnv(env), functionName };
}

// Only what migrateUser reads or writes. Cognito sends null for every response field and cognito-local
// leaves some out, so those are nullish; everything else (version, region, callerContext,
// validationData, clientMetadata, ...) passes through untouched.
const userName = z.string().min(1);
const response = z.looseObject({
  userAttributes: z.record(z.string(), z.string()).nullish(),
  finalUserStatus: z.enum(['CONFIRMED', 'RESET_REQUIRED']).nullish(),
  messageAction: z.enum(['RESEND', 'SUPPRESS']).nullish(),
});

/** The UserMigration event as migrateUser reads it; the password is there only to sign in. */
const userMigrationEvent = z.discriminatedUnion('triggerSource', [
  z.looseObject({
    triggerSource: z.literal('UserMigration_Authentication'),
    userName,
    request: z.looseObject({ password: z.string().min(1) }),
    response,
  }),
  // No password here (absent or empty): the user is resetting it.
  z.looseObject({
    triggerSource: z.literal('UserMigration_ForgotPassword'),
    userName,
    request: z.looseObject({}),
    response,
  }),
]);

export type UserMigrationEvent = z.output<typeof userMigrationEvent>;

// The user sees Cognito's own "incorrect username or password" either way; these messages are
// for Cognito, which tells the two apart, and must not say more than that.
const BAD_PASSWORD = 'Bad password';
const NO_SUCH_USER = 'User does not exist';

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);

/**
 * The old pool's migration client's secret (undefined for a public client), read once per process
 * and kept in it: a confidential client refuses AdminInitiateAuth without SECRET_HASH.
 */
const clientSecrets = new Map<string, Promise<string | undefined>>();

/** The next sign-in reads the client's secret again: after a rotation, and between tests. */
export function forgetClientSecrets(): void {
  clientSecrets.clear();
}
function oldClientSecret(config: UserMigrationConfig, abortSignal: AbortSignal): Promise<string | undefined> {
  const key = `${config.oldUserPoolId}/${config.oldPoolClientId}`;
  let secret = clientSecrets.get(key);
  if (!secret) {
    secret = clientSecretOf(config.region, config.oldUserPoolId, config.oldPoolClientId, { abortSignal });
    // A failed read is not kept: the next sign-in reads again.
    secret.catch(() => clientSecrets.delete(key));
    clientSecrets.set(key, secret);
  }
  return secret;
}
const TIMED_OUT = new Set(['TimeoutError', 'AbortError']);

/**
 * Moves a user from the old pool on first sign-in (or first "forgot password"), with the attributes
 * the carry rule keeps and the old `sub` in the legacy attribute; a refusal by the old pool becomes `MigrationMisconfigured`.
 * The event is parsed here rather than in the handler so the sandbox and the emulator tests, which
 * call this directly, check the same schema against the events they send.
 */
export async function migrateUser(
  untrusted: unknown,
  config: UserMigrationConfig,
): Promise<UserMigrationEvent> {
  const event = parseTriggerEvent('UserMigration', userMigrationEvent, untrusted);
  const started = performance.now();
  const client = aws.cognito(config.region);
  const username = event.userName;
  const deadline = AbortSignal.timeout(OLD_POOL_CALL_TIMEOUT_MS);
  try {
    if (event.triggerSource === 'UserMigration_Authentication') {
      const clientSecret = await oldClientSecret(config, deadline);
      // Checks the password against the old pool; the tokens it returns are never read.
      await client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: config.oldUserPoolId,
          ClientId: config.oldPoolClientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: withSecretHash(
            { USERNAME: username, PASSWORD: event.request.password },
            config.oldPoolClientId,
            clientSecret,
          ),
        }),
        { abortSignal: deadline },
      );
    }
    const user = await client.send(
      new AdminGetUserCommand({ UserPoolId: config.oldUserPoolId, Username: username }),
      { abortSignal: deadline },
    );
    event.response.userAttributes = carriedAttributes(user.UserAttributes ?? [], config.carry);
  } catch (error) {
    const failed = outcomeOf(error, event.triggerSource, config);
    counted(
      OUTCOME_OF[failed.message] ??
        (failed.name === 'MigrationMisconfigured' ? 'MigrationMisconfigured' : 'MigrationFailed'),
      started,
    );
    throw failed;
  }
  counted('UsersMigrated', started);
  event.response.messageAction = 'SUPPRESS';
  // Without a password there is nothing to confirm: the user must finish the reset.
  if (event.triggerSource === 'UserMigration_Authentication') event.response.finalUserStatus = 'CONFIRMED';
  logger.info('User migrated from the old pool', { triggerSource: event.triggerSource });
  return event;
}

/** The trigger's outcomes as the stack's dashboard charts them, one Count metric each. */
export const MIGRATION_OUTCOMES = [
  'UsersMigrated',
  'MigrationWrongPassword',
  'MigrationUnknownUser',
  'MigrationMisconfigured',
  'MigrationFailed',
] as const;
const OUTCOME_OF: Record<string, (typeof MIGRATION_OUTCOMES)[number]> = {
  [BAD_PASSWORD]: 'MigrationWrongPassword',
  [NO_SUCH_USER]: 'MigrationUnknownUser',
};

/**
 * One invocation's outcome and how long it took (`MigrationMs`), published now: a failing invocation
 * flushes nothing on its way out. Counts only: never who.
 */
function counted(outcome: (typeof MIGRATION_OUTCOMES)[number], started: number): void {
  metrics.addMetric(outcome, MetricUnit.Count, 1);
  metrics.addMetric('MigrationMs', MetricUnit.Milliseconds, Math.round(performance.now() - started));
  metrics.publishStoredMetrics();
}

function outcomeOf(error: unknown, triggerSource: string, config: UserMigrationConfig): Error {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  if (name === 'UserNotFoundException') {
    logger.info('User not found in the old pool', { triggerSource });
    return new Error(NO_SUCH_USER);
  }
  const fix = fixFor(name, message, config);
  if (fix !== undefined) {
    const misconfigured = new MigrationMisconfigured(
      `The old pool ${config.oldUserPoolId} refused the migration function (${name}): ${fix}`,
      { cause: error },
    );
    logger.error('User migration is misconfigured', {
      metric: 'MigrationMisconfigured',
      triggerSource,
      error: misconfigured,
    });
    return misconfigured;
  }
  if (name === 'NotAuthorizedException') {
    // Wrong password, a disabled user, too many attempts: the user is told no more than "wrong".
    logger.info('Old pool rejected the credentials', { triggerSource });
    return new Error(BAD_PASSWORD);
  }
  const unexpected = toNamedError(error, `Migrating a user from ${config.oldUserPoolId}`);
  logger.error('User migration failed', { triggerSource, error: unexpected });
  return unexpected;
}

/** What the operator must change, when the old pool's answer says the function is set up wrong. */
function fixFor(name: string, message: string, config: UserMigrationConfig): string | undefined {
  const { oldUserPoolId: pool, oldPoolClientId: clientId, region } = config;
  const role = `the role of function ${config.functionName}`;
  if (name === 'AccessDeniedException') {
    const arn =
      /arn:aws[\w-]*:cognito-idp:[\w-]+:\d+:userpool\/[\w-]+/.exec(message)?.[0] ??
      `arn:aws:cognito-idp:${region}:<account-id>:userpool/${pool}`;
    return `grant cognito-idp:AdminInitiateAuth and cognito-idp:AdminGetUser on ${arn} to ${role}.`;
  }
  if (name === 'InvalidParameterException' && /auth flow|USER_PASSWORD_AUTH/i.test(message)) {
    return `enable ALLOW_ADMIN_USER_PASSWORD_AUTH on old pool client ${clientId} (ExplicitAuthFlows).`;
  }
  if (name === 'NotAuthorizedException' && /secret hash|configured for secret/i.test(message)) {
    // The secret changed since this process read it (a rotation): read it again on the next sign-in.
    forgetClientSecrets();
    return `old pool client ${clientId} refused the SECRET_HASH computed with its secret: if the secret was just rotated, the next sign-in reads it again; otherwise check that the function may call cognito-idp:DescribeUserPoolClient on the old pool.`;
  }
  if (name === 'ResourceNotFoundException') {
    return `check that OLD_USER_POOL_ID (${pool}) and OLD_POOL_CLIENT_ID (${clientId}) name an existing pool and one of its app clients, in ${region}.`;
  }
  if (THROTTLED.has(name)) {
    return `the old pool is throttling sign-ins; raise the UserAuthentication and UserRead request-rate quotas for ${region}.`;
  }
  if (TIMED_OUT.has(name)) {
    return `the old pool did not answer within ${OLD_POOL_CALL_TIMEOUT_MS} ms; check the function's network path to cognito-idp.${region}.amazonaws.com.`;
  }
  return undefined;
}
