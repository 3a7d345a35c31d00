import * as z from 'zod';
import { PlanInvalid, type PlanIssue } from '../errors.ts';

const nonEmpty = z.string().min(1, 'must not be empty').max(2048, 'must be at most 2048 characters');
const printable = (s: z.ZodString) =>
  s
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters (newlines, tabs, NUL)')
    // Bidirectional overrides and zero-width characters make a name read as another one.
    .regex(/^[^\p{Cf}]*$/u, 'must not contain invisible formatting characters (bidi overrides, zero-width)');

const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'expected an AWS region such as eu-west-2');
const iamRoleArn = z
  .string()
  .regex(
    /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    'expected an IAM role ARN such as arn:aws:iam::111122223333:role/usermanagement',
  );

const iamPrincipalArn = z
  .string()
  .regex(
    /^arn:aws[\w-]*:(iam::\d{12}:(user|role)|sts::\d{12}:assumed-role)\/[\w+=,.@/-]+$/,
    'expected an IAM user or role ARN such as arn:aws:iam::111122223333:role/release-manager',
  );

const userPoolId = z
  .string()
  .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'expected a user pool id such as eu-west-2_AbCdEf123');
const snsTopicArn = z
  .string()
  .regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'expected an SNS topic ARN');

/**
 * Values written to a binding may name the new pool; these are the names a value may use. A grace
 * value, held while both pools are trusted, may name the old pool too (GRACE_PLACEHOLDERS); a final
 * value that named it would leave the service on the old pool after the cutover.
 */
export const PLACEHOLDERS = ['newPool.userPoolId', 'newPool.appClientId', 'newPool.userPoolArn'] as const;
export const OLD_POOL_PLACEHOLDERS = ['oldPool.userPoolId', 'oldPool.userPoolArn'] as const;
export const GRACE_PLACEHOLDERS = [...PLACEHOLDERS, ...OLD_POOL_PLACEHOLDERS] as const;
export type Placeholder = (typeof GRACE_PLACEHOLDERS)[number];
const listed = (names: readonly string[]) => names.map((p) => `{{${p}}}`).join(', ');
const templatedWith = (names: readonly string[]) =>
  printable(nonEmpty)
    .refine((v) => [...v.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].every((m) => names.includes(m[1] as string)), {
      message: `may only use the placeholders ${listed(names)}`,
    })
    // Half a placeholder would be written as it is, and the service handed a broken pool id.
    .refine((v) => !/\{\{|\}\}/.test(v.replace(/\{\{\s*[^{}]*?\s*\}\}/g, '')), {
      message: 'has an unclosed placeholder: write it whole, e.g. {{newPool.userPoolId}}',
    });
const templated = templatedWith(PLACEHOLDERS);
const graceTemplated = templatedWith(GRACE_PLACEHOLDERS);
const DEFAULT_VALUE = '{{newPool.userPoolId}}';

const ssmParameterName = printable(nonEmpty).regex(
  /^\/?[\w.\-/]+$/,
  'expected an SSM parameter name such as /reval/prod/cognito-user-pool-id',
);

const PLACEHOLDER_LIST = listed(PLACEHOLDERS);
const GRACE_PLACEHOLDER_LIST = listed(GRACE_PLACEHOLDERS);
const bindingValue = (what: string) =>
  templated
    .default(DEFAULT_VALUE)
    .describe(
      `The value written to ${what} at the switch. May use the placeholders ${PLACEHOLDER_LIST}, which the cutover fills in; e.g. "{{newPool.userPoolArn}}". Default "${DEFAULT_VALUE}" (the new pool's id). Rollback puts back the value found before the switch.`,
    );
/**
 * A service that verifies tokens itself reads the pools it trusts from the binding: while the grace
 * window is open it may hold a value that names both, so no one signed in is signed out.
 */
const graceValue = (what: string) =>
  graceTemplated
    .optional()
    .describe(
      `The value ${what} holds while the grace window is open, for a service that verifies tokens itself, e.g. "{{oldPool.userPoolId}},{{newPool.userPoolId}}" so it trusts both pools; value is written when the window closes (and the services bound with it redeployed again). Without it value is written at the switch. Ignored with grace.enabled false. May use the placeholders ${GRACE_PLACEHOLDER_LIST}.`,
    );

const ssmParameterBinding = z
  .strictObject({
    kind: z
      .literal('ssm-parameter')
      .describe('"ssm-parameter": the service reads the pool from an SSM parameter; the switch writes it.'),
    name: ssmParameterName.describe(
      'Name of the SSM parameter, e.g. "/reval/prod/cognito-user-pool-id". Created (as a String) if absent, and deleted again on rollback; an existing parameter keeps its type, e.g. SecureString.',
    ),
    value: bindingValue('the parameter'),
    graceValue: graceValue('the parameter'),
  })
  .describe('Switches an SSM parameter (PutParameter); rollback puts the previous value back.');
const secretBinding = z
  .strictObject({
    kind: z
      .literal('secret')
      .describe('"secret": the service reads the pool from a Secrets Manager secret; the switch writes it.'),
    secretId: printable(nonEmpty).describe(
      'Name or ARN of the Secrets Manager secret, e.g. "usermanagement-cognito-prod". It must hold a string, not binary data.',
    ),
    /** When the secret is a JSON object, only this key is switched. */
    jsonKey: printable(nonEmpty)
      // Set on a parsed object, these would change the object instead of adding a key to the secret.
      .refine((key) => !['__proto__', 'constructor', 'prototype'].includes(key), {
        message: 'must not be __proto__, constructor or prototype: name the key the service reads',
      })
      .optional()
      .describe(
        'When the secret is a JSON object, only this key is switched and every other key is kept, e.g. "userPoolId". Without it the whole secret string is replaced by value. Preflight fails if the secret is not a JSON object.',
      ),
    value: bindingValue('the secret (or to its jsonKey)'),
    graceValue: graceValue('the secret (or its jsonKey)'),
  })
  .describe('Switches a Secrets Manager secret (PutSecretValue); rollback puts the previous value back.');
const lambdaEnvironmentBinding = z
  .strictObject({
    kind: z
      .literal('lambda-environment')
      .describe(
        '"lambda-environment": the service is a Lambda function that reads the pool from its environment.',
      ),
    functionName: printable(nonEmpty).describe(
      'Name or ARN of the Lambda function whose environment is switched, e.g. "reval-prod-api".',
    ),
    variables: z
      .record(
        z.string().regex(/^[a-zA-Z]\w*$/, 'expected an environment variable name'),
        templated.describe(`The variable's new value; may use the placeholders ${PLACEHOLDER_LIST}.`),
      )
      .refine((v) => Object.keys(v).length > 0, 'name at least one variable')
      .describe(
        `Environment variables to set, by name, e.g. { "USER_POOL_ID": "{{newPool.userPoolId}}", "USER_POOL_CLIENT_ID": "{{newPool.appClientId}}" }. Merged into the function's environment (UpdateFunctionConfiguration); variables not named here are kept. At least one. Values may use the placeholders ${PLACEHOLDER_LIST}.`,
      ),
    graceVariables: z
      .record(
        z.string().regex(/^[a-zA-Z]\w*$/, 'expected an environment variable name'),
        graceTemplated.describe(
          `The variable's value while the grace window is open; may use the placeholders ${GRACE_PLACEHOLDER_LIST}.`,
        ),
      )
      .optional()
      .describe(
        'Variables that hold another value while the grace window is open, for a function that verifies tokens itself, e.g. { "TRUSTED_POOL_IDS": "{{oldPool.userPoolId}},{{newPool.userPoolId}}" }; variables is written when the window closes. Each must also be in variables. Ignored with grace.enabled false.',
      ),
    alias: z
      .string()
      .regex(/^(?!\d+$)[\w-]{1,128}$/, 'expected an alias name such as live (letters, digits, - and _)')
      .optional()
      .describe(
        'The alias callers invoke the function through, e.g. "live". A version keeps the environment it was published with, so changing $LATEST alone changes nothing for them: once the update has finished the cutover publishes a version and moves this alias to it; rollback moves it back. Preflight names the aliases a function has.',
      ),
  })
  .refine((b) => Object.keys(b.graceVariables ?? {}).every((name) => name in b.variables), {
    path: ['graceVariables'],
    message: 'names a variable that variables does not: name its value after the window in variables too',
  })
  .describe(
    "Switches variables of a Lambda function's environment; rollback restores the previous variables.",
  );
const authorizerBinding = z
  .strictObject({
    kind: z
      .literal('apigateway-authorizer')
      .describe(
        '"apigateway-authorizer": a Cognito authorizer of a REST API that accepts the pool\'s tokens.',
      ),
    restApiId: printable(nonEmpty).describe(
      'Id of the REST API that owns the authorizer, e.g. "rv0api5678".',
    ),
    authorizerId: printable(nonEmpty).describe(
      'Id of the COGNITO_USER_POOLS authorizer, e.g. "cogauth1". The switch replaces the old pool\'s ARN in its provider ARNs with the new pool\'s; other pools it names are kept.',
    ),
    stageName: printable(nonEmpty).describe(
      'Stage redeployed (CreateDeployment) after the authorizer changes, so that the change takes effect, e.g. "prod".',
    ),
  })
  .describe(
    "Moves a REST API's Cognito authorizer to the new pool and redeploys the stage; rollback restores the previous provider ARNs and redeploys.",
  );
const ecsServiceBinding = z
  .strictObject({
    kind: z
      .literal('ecs-service')
      .describe('"ecs-service": an ECS service whose tasks read the pool when they start.'),
    cluster: printable(nonEmpty).describe('Name or ARN of the ECS cluster, e.g. "tis-prod".'),
    service: printable(nonEmpty).describe(
      'Name or ARN of the ECS service in that cluster, e.g. "usermanagement".',
    ),
  })
  .describe(
    'Redeploys an ECS service (UpdateService forceNewDeployment) so that new tasks read the values switched before it, and waits until it is stable. List it after the parameters and secrets it reads; rollback redeploys it again after they are restored.',
  );

/** The Cognito APIs a user-management service calls on the pool: what a service's role is checked for by default. */
export const USER_MANAGEMENT_ACTIONS = [
  'AdminCreateUser',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminDeleteUser',
  'AdminResetUserPassword',
  'AdminGetUser',
] as const;

export const bindingSchema = z
  .discriminatedUnion(
    'kind',
    [ssmParameterBinding, secretBinding, lambdaEnvironmentBinding, authorizerBinding, ecsServiceBinding],
    {
      error: 'expected one of ssm-parameter, secret, lambda-environment, apigateway-authorizer, ecs-service',
    },
  )
  .describe(
    'One place the service learns which pool to use, chosen by kind: ssm-parameter, secret, lambda-environment, apigateway-authorizer or ecs-service.',
  );

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const apiPolicyFreeze = z
  .strictObject({
    kind: z
      .literal('apigateway-policy')
      .describe('"apigateway-policy": freeze writes with a Deny in a REST API\'s resource policy.'),
    restApiId: printable(nonEmpty).describe('Id of the REST API whose writes are frozen, e.g. "um0api1234".'),
    stageName: printable(nonEmpty).describe(
      'Stage redeployed (CreateDeployment) after the policy changes, so that the freeze takes effect, e.g. "prod".',
    ),
    methods: z
      .array(z.enum(WRITE_METHODS, { error: `expected one of ${WRITE_METHODS.join(', ')}` }))
      .min(1, 'name at least one method')
      .default([...WRITE_METHODS])
      .describe(
        `HTTP methods denied to everyone while writes are frozen, from ${WRITE_METHODS.join(', ')}; e.g. ["POST", "DELETE"]. Default: all four. Reads (GET, HEAD, OPTIONS) keep working.`,
      ),
  })
  .describe(
    "Adds a Deny on the write methods to the REST API's resource policy and redeploys the stage (an API with no policy also gets an Allow for everyone, so reads keep working); release restores the previous policy and redeploys.",
  );
const ssmParameterFreeze = z
  .strictObject({
    kind: z
      .literal('ssm-parameter')
      .describe('"ssm-parameter": freeze writes by setting a maintenance flag the application reads.'),
    name: ssmParameterName.describe(
      'Name of the SSM parameter, e.g. "/usermanagement/prod/under-maintenance". Created (as a String) if absent.',
    ),
    value: printable(nonEmpty).describe(
      'The value written while writes are frozen, e.g. "true". Release puts back the value found before (or deletes a parameter that did not exist).',
    ),
  })
  .describe('Sets an SSM parameter (a maintenance flag) for the freeze; release restores it.');
export const freezeSchema = z
  .discriminatedUnion('kind', [apiPolicyFreeze, ssmParameterFreeze], {
    error: 'expected one of apigateway-policy, ssm-parameter',
  })
  .describe('One way of freezing writes, chosen by kind: apigateway-policy or ssm-parameter.');

const aliasTarget = z
  .strictObject({
    aliasDnsName: printable(nonEmpty).describe(
      'DNS name the alias record points at: the new front end, e.g. "d111abcdef8.cloudfront.net".',
    ),
    aliasHostedZoneId: printable(nonEmpty).describe(
      'Hosted zone id of the alias target (not of your zone), e.g. "Z2FDTNDATAQYW2", the zone of every CloudFront distribution.',
    ),
    evaluateTargetHealth: z
      .boolean()
      .default(false)
      .describe("Route 53's EvaluateTargetHealth for the alias. Default false."),
  })
  .describe(
    'An alias record (e.g. to a CloudFront distribution). Aliases have no TTL of their own; the cutover counts 60 s for them.',
  );
const valuesTarget = (what: string, example: string) =>
  z.strictObject({
    values: z
      .array(printable(nonEmpty))
      .min(1, 'name at least one value')
      .max(100)
      .describe(`${what}, e.g. ${example}. A CNAME takes exactly one value. 1 to 100 values.`),
  });

const healthCheck = z
  .discriminatedUnion(
    'kind',
    [
      z
        .strictObject({
          kind: z.literal('http').describe('"http": an HTTP GET must answer with the expected status.'),
          url: z
            .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
            // The check sends no credentials, and a URL is printed in reports and notices.
            .refine((url) => !/^https?:\/\/[^/?#]*@/i.test(url), {
              message:
                'must not carry credentials (user:password@): the check sends none, and the URL is printed in reports',
            })
            .describe(
              'http(s) URL to GET, e.g. "https://admin.tis.example.org/health". Redirects are not followed: a 3xx is compared with expectStatus as it is.',
            ),
          expectStatus: z
            .int()
            .min(100)
            .max(599)
            .default(200)
            .describe('HTTP status the URL must answer with for the check to pass, e.g. 204. Default 200.'),
          timeoutSeconds: z
            .int()
            .min(1)
            .max(30)
            .default(5)
            .describe('Seconds to wait for an answer before the poll counts as failed, 1 to 30. Default 5.'),
        })
        .describe('Passes when a GET of url answers with expectStatus.'),
      z
        .strictObject({
          kind: z
            .literal('cloudwatch-alarm')
            .describe('"cloudwatch-alarm": CloudWatch alarms must not be in ALARM.'),
          alarmNames: z
            .array(printable(nonEmpty))
            .min(1, 'name at least one alarm')
            .max(100)
            .describe(
              'Names of CloudWatch alarms in the plan\'s region, e.g. ["usermanagement-prod-5xx"]. The check passes when every alarm exists and is not in ALARM (OK and INSUFFICIENT_DATA pass); preflight checks they exist. 1 to 100.',
            ),
        })
        .describe('Passes when none of the named alarms is in ALARM.'),
      z
        .strictObject({
          kind: z
            .literal('cognito-sign-in')
            .describe(
              '"cognito-sign-in": a canary user signs in through the new pool, migrating as a real user does.',
            ),
          /** A Secrets Manager secret holding {"username","password"} of a canary user of the OLD pool. */
          canarySecretId: printable(nonEmpty).describe(
            'Name or ARN of a Secrets Manager secret holding {"username": "...", "password": "..."} of a canary user of the OLD pool (confirmed, enabled, permanent password, no MFA), e.g. "tis-cutover-canary". Each poll removes the canary from the new pool, signs it in through newPool.appClientId with USER_PASSWORD_AUTH, so the UserMigration trigger runs, and removes it again. A dry-run only checks the canary is ready. The credentials never appear in the plan or the execution.',
          ),
          /** Claims the new pool's ID token must carry, besides iss, aud and token_use, which are always checked. */
          expectClaims: z
            .array(z.string().regex(/^[\w:.-]{1,128}$/, 'expected a claim name such as preferred_username'))
            .max(50)
            .default([])
            .describe(
              'Claims the ID token must carry (non-empty), besides iss, aud and token_use, which are always checked; e.g. ["email", "preferred_username"]. Default none. Values are never logged.',
            ),
        })
        .describe(
          'Passes when the canary migrates and signs in through the new pool with the expected claims.',
        ),
    ],
    { error: 'expected one of http, cloudwatch-alarm, cognito-sign-in' },
  )
  .describe('One health check, chosen by kind: http, cloudwatch-alarm or cognito-sign-in.');

/** Each service named once, and the Cognito actions it is checked for only beside the role that calls them. */
function serviceIssues(
  services: { name: string; roleArn?: string | undefined; cognitoActions?: string[] | undefined }[],
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  services.forEach((service, i) => {
    if (service.cognitoActions && !service.roleArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['services', i, 'cognitoActions'],
        message: 'are checked against roleArn: name the role the service calls Cognito with, or remove them',
      });
    }
    if (seen.has(service.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['services', i, 'name'],
        message: 'is used by another service',
      });
    }
    seen.add(service.name);
  });
}

export const planSchema = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .describe(
        'The JSON Schema editors use to check and complete this file, e.g. "../schema/plan.schema.json"; ignored by the cutover.',
      ),
    migrationId: z
      .string()
      .regex(
        /^[a-zA-Z0-9][\w-]{0,79}$/,
        'expected 1-80 letters, digits, - or _, starting with a letter or digit',
      )
      .describe(
        'Names the migration, e.g. "tis-prod-pool-v1-to-v2": 1 to 80 letters, digits, - or _, starting with a letter or digit. One cutover per id runs at a time (the lock), and the ledger of changes to undo is kept under it; a manual rollback names it. Keep it the same across retries of one migration.',
      ),
    region: region.describe(
      'AWS region of the pools, topics, parameters, secrets, functions, APIs, services and alarms, e.g. "eu-west-2". Both pools and both topics must be in it.',
    ),
    dryRun: z
      .boolean()
      .default(false)
      .describe(
        "When true, every step reads and reports what it would change and nothing is changed: no lock is taken, users get no notice, the canary does not sign in; operators get a report of the changes, problems and drift. Default false. The weekly schedule runs the stage's plan as a dry-run to find drift before cutover day.",
      ),
    takeOverLockFrom: z
      .string()
      .regex(
        /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:[\w-]{1,80}:[\w-]{1,80}$/,
        'expected the ARN of the execution that holds the lock, as the lock error names it',
      )
      .optional()
      .describe(
        "Only to recover from a stale lock: the ARN of the execution that holds this migration's lock and is no longer running, exactly as the LOCKED_OUT error names it. This execution then takes the lock over; nothing else changes. The lock is not taken over while that execution runs, or when another one holds it. Leave it out otherwise.",
      ),
    oldPool: z
      .strictObject({
        userPoolId: userPoolId.describe(
          'Id of the user pool users move FROM, e.g. "eu-west-2_OldPool01". Must be in region.',
        ),
        migrationClientId: printable(nonEmpty).describe(
          'App client of the OLD pool that the UserMigration trigger signs users in with (AdminInitiateAuth), e.g. "oldpoolmigrationclient". Preflight checks it allows ALLOW_ADMIN_USER_PASSWORD_AUTH.',
        ),
      })
      .describe('The user pool users migrate from. The cutover reads it and never changes it.'),
    newPool: z
      .strictObject({
        userPoolId: userPoolId.describe(
          'Id of the user pool users move TO, e.g. "eu-west-2_NewPool01". Must be in region and differ from oldPool.userPoolId. Bindings write it by default ({{newPool.userPoolId}}).',
        ),
        appClientId: printable(nonEmpty).describe(
          'App client of the new pool the applications sign users in with, e.g. "newpooladminuiclient"; {{newPool.appClientId}} in a binding. Preflight checks it allows ALLOW_USER_PASSWORD_AUTH: SRP sends no password to the migration trigger, so nobody would migrate. The cognito-sign-in check signs in through it.',
        ),
        migrationFunctionName: printable(nonEmpty).describe(
          'Name or ARN of the new pool\'s UserMigration trigger Lambda, e.g. "cognito-cutover-prod-userMigration". Preflight checks it is the pool\'s trigger, that Cognito may invoke it, and that it may sign users in on the old pool.',
        ),
        /** The PreTokenGeneration trigger, when the dependent services read claims it adds. */
        preTokenGenerationFunctionName: printable(nonEmpty)
          .optional()
          .describe(
            'Name or ARN of the new pool\'s PreTokenGeneration trigger Lambda, when the dependent services read claims it adds, e.g. "cognito-cutover-prod-preTokenGeneration". Optional; when set, preflight checks it is wired and invocable.',
          ),
        acceptUsernameDifference: printable(nonEmpty)
          .optional()
          .describe(
            'Why the new pool may sign users in by other names than the old one (case sensitivity, UsernameAttributes, AliasAttributes), e.g. "every username in both pools is a lower-case email". Preflight stops the cutover on such a difference unless this explains it; it then reports the difference with this reason. Leave it out while the pools agree.',
          ),
      })
      .describe('The user pool users migrate to, and the triggers that migrate them.'),
    notify: z
      .strictObject({
        usersTopicArn: snsTopicArn.describe(
          'SNS topic ARN for notices to users: maintenance started, done, or called off; e.g. "arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-users". Must be in region.',
        ),
        operatorsTopicArn: snsTopicArn.describe(
          'SNS topic ARN for operators: started, succeeded, rolled back, rollback incomplete (with what to restore by hand), the go/no-go request and the dry-run report; e.g. "arn:aws:sns:eu-west-2:111122223333:cognito-cutover-prod-operators". Must be in region.',
        ),
      })
      .describe('Where the cutover tells users and operators what is happening. Each notice is sent once.'),
    writeFreeze: z
      .array(freezeSchema)
      .max(20)
      .default([])
      .describe(
        'How writes (e.g. on the user-management API) are frozen while the pool changes; reads keep working. Applied in order just before the DNS switch (after the go/no-go), released in reverse order once the health gate passes or on rollback. Default [] (no freeze). At most 20.',
      ),
    dns: z
      .strictObject({
        hostedZoneId: printable(nonEmpty)
          .regex(/^(\/hostedzone\/)?[A-Z0-9]+$/, 'expected a hosted zone id')
          .describe(
            'Id of the Route 53 hosted zone holding the record, e.g. "Z0EXAMPLEADMIN" ("/hostedzone/Z0EXAMPLEADMIN" is accepted too).',
          ),
        recordName: printable(nonEmpty)
          .regex(/^[a-zA-Z0-9*_.-]+\.?$/, 'expected a DNS name')
          .describe(
            'The record switched to the new front end, e.g. "admin.tis.example.org"; a trailing dot is optional. Created if absent.',
          ),
        recordType: z
          .enum(['A', 'AAAA', 'CNAME'], { error: 'expected A, AAAA or CNAME' })
          .describe(
            'Type of the record: "A", "AAAA" or "CNAME". An alias to CloudFront is A or AAAA; a CNAME takes one value.',
          ),
        target: z
          .union(
            [
              aliasTarget,
              valuesTarget(
                'What the record holds after the switch, written with cutoverTtlSeconds as its TTL',
                '["203.0.113.10"] or, for a CNAME, ["new-admin.example.org"]',
              ).describe('A plain record with values and a TTL.'),
            ],
            {
              error: 'expected { aliasDnsName, aliasHostedZoneId } or { values: [...] }',
            },
          )
          .describe(
            'What the record points at after the switch: an alias ({ "aliasDnsName", "aliasHostedZoneId" }) or plain values ({ "values": [...] }). Rollback puts back what the record held before.',
          ),
        cutoverTtlSeconds: z
          .int()
          .min(0)
          .max(86_400)
          .default(60)
          .describe(
            'The TTL, in seconds, the record is lowered to before the switch when its own TTL is higher (while users are unaffected; the cutover then waits out the OLD TTL), so that resolvers pick up the switch within it, e.g. 60. The new record is written with it, and after success the original TTL is given back. Alias records have no TTL (60 s is counted). Default 60; 0 to 86400.',
          ),
        setIdentifier: printable(nonEmpty)
          .max(128, 'must be at most 128 characters')
          .optional()
          .describe(
            'Only for a record with a routing policy (weighted, latency, failover, geolocation, multivalue, IP-based): the SetIdentifier of the one record of the set to switch, e.g. "blue". Its weight, region, health check and other routing settings are kept. Leave it out for a simple record; a set without it is refused by Preflight, naming its members.',
          ),
        /** What the record holds before cutover; the dry-run reports drift from it. */
        expected: z
          .union(
            [
              z
                .strictObject({
                  aliasDnsName: printable(nonEmpty).describe(
                    'DNS name the alias points at before cutover, e.g. "d222oldadmin.cloudfront.net".',
                  ),
                })
                .describe('The record is an alias before cutover.'),
              valuesTarget('What the record holds before cutover', '["198.51.100.7"]').describe(
                'The record is a plain record before cutover.',
              ),
            ],
            {
              error: 'expected { aliasDnsName } or { values: [...] }',
            },
          )
          .optional()
          .describe(
            'What the record holds before cutover: { "aliasDnsName" } or { "values": [...] }. Optional; when set, the dry-run reports drift if the record holds something else, so a change by someone else is found before cutover day.',
          ),
      })
      .describe(
        "The DNS record moved to the new front end (e.g. the admin UI). It is switched after writes are frozen; the cutover waits for Route 53 to be INSYNC and for resolvers' cached answers to expire before switching services.",
      ),
    services: z
      .array(
        z
          .strictObject({
            name: z
              .string()
              .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a lower-case name such as reval')
              .describe(
                'Name of the dependent service, used in reports and notices, e.g. "reval": lower case letters, digits and -, up to 63, unique in the plan.',
              ),
            bindings: z
              .array(bindingSchema)
              .min(1, 'name at least one binding')
              .max(50)
              .describe(
                'Where the service learns which pool to use, switched in this order: put an ecs-service after the parameters and secrets its tasks read. 1 to 50.',
              ),
            roleArn: iamRoleArn
              .optional()
              .describe(
                'The IAM role the service calls Cognito with, e.g. "arn:aws:iam::111122223333:role/usermanagement-prod". Optional; when set, preflight simulates its cognitoActions on the new pool, so a policy that still names only the old pool\'s ARN stops the cutover before any change instead of failing with AccessDeniedException afterwards.',
              ),
            cognitoActions: z
              .array(
                z
                  .string()
                  .regex(/^[A-Z][A-Za-z]{2,63}$/, 'expected a Cognito API name such as AdminCreateUser'),
              )
              .min(1)
              .max(50)
              .optional()
              .describe(
                `The Cognito user pool APIs the service calls with roleArn, e.g. ["AdminCreateUser"]. Optional, only with roleArn; default: what a user-management service needs (${USER_MANAGEMENT_ACTIONS.join(', ')}).`,
              ),
          })
          .describe('A service that depends on the user pool, and the bindings that point it at a pool.'),
      )
      .min(1, 'name at least one service')
      .max(50)
      .describe(
        'The services pointed at the new pool after the DNS switch, one after another in this order. Rollback restores them in reverse. 1 to 50.',
      ),
    health: z
      .strictObject({
        checks: z
          .array(healthCheck)
          .min(1, 'name at least one check')
          .max(50)
          .describe('Checks run together at every poll; a poll passes when every check passes. 1 to 50.'),
        intervalSeconds: z
          .int()
          .min(1)
          .max(3600)
          .default(30)
          .describe('Seconds between polls, 1 to 3600. Default 30.'),
        requiredPasses: z
          .int()
          .min(1)
          .max(100)
          .default(3)
          .describe(
            'Polls in a row that must pass before writes are released and the cutover succeeds; a failing poll starts the count again. 1 to 100. Default 3.',
          ),
        deadlineSeconds: z
          .int()
          .min(60)
          .max(86_400)
          .default(3600)
          .describe(
            'Seconds from the first poll within which the gate must pass; after that the cutover fails (HealthDeadlineExceeded) and rolls everything back. 60 to 86400. Default 3600 (one hour). The whole cutover times out after 6 hours.',
          ),
      })
      .describe(
        'The health gate after the services are switched: polls every intervalSeconds until requiredPasses polls in a row pass, or rolls back at deadlineSeconds.',
      ),
    // Always present after validation, so the state machine's Choice never reads a missing path.
    approval: z
      .strictObject({
        required: z
          .boolean()
          .describe(
            'When true, the cutover asks operators for a go/no-go (on operatorsTopicArn, with the list of changes and the commands to answer) after preparing DNS and before freezing writes, and waits. Required when approval is given.',
          ),
        timeoutSeconds: z
          .int()
          .min(60)
          .max(86_400)
          .default(1800)
          .describe(
            'Seconds to wait for the go/no-go; without an answer the cutover undoes its preparation and ends, as for a no-go. 60 to 86400. Default 1800.',
          ),
        approvers: z
          .array(iamPrincipalArn)
          .max(10)
          .default([])
          .describe(
            'Who may answer the go/no-go, as IAM user or role ARNs, e.g. ["arn:aws:iam::111122223333:role/release-manager"]. When set, the go/no-go is also a Systems Manager Automation approval: each approver answers in the AWS console (Systems Manager, Automation, Approve/Deny) or with `cutover approve`. At most 10, the most an aws:approve step takes. Default []: anyone who may call SendTaskSuccess answers, from the CLI.',
          ),
        minApprovals: z
          .int()
          .min(1)
          .default(1)
          .describe(
            'How many of the approvers must approve before the cutover goes on; one no-go stops it. 1 to the number of approvers. Default 1.',
          ),
      })
      .default({ required: false, timeoutSeconds: 1800, approvers: [], minApprovals: 1 })
      .describe(
        'The go/no-go before the write freeze, e.g. { "required": true, "timeoutSeconds": 1800, "approvers": [...], "minApprovals": 2 }. Default: not required.',
      ),
    grace: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'When true (the default), a switched authorizer trusts both pools, so no signed-in user is signed out; the cutover removes the old pool once every token it can have issued has expired. False drops the old pool at the switch: every user signed in to it must sign in again.',
          ),
        marginSeconds: z
          .int()
          .min(0)
          .max(3600)
          .default(300)
          .describe(
            "Seconds added to the window, after the longest access or ID token validity of the old pool's app clients, counted from the switch of the services. 0 to 3600. Default 300.",
          ),
        intervalSeconds: z
          .int()
          .min(60)
          .max(3600)
          .default(300)
          .describe(
            'Seconds between health polls while the window is open (alarms and canary, as the health gate); requiredPasses failing polls in a row roll the cutover back, restoring the old pool as sole issuer. 60 to 3600. Default 300.',
          ),
      })
      .default({ enabled: true, marginSeconds: 300, intervalSeconds: 300 })
      .describe(
        'The grace window after the cutover, while tokens the old pool issued are still valid, e.g. { "marginSeconds": 600 }. The lock is held until it closes; writes are not frozen during it.',
      ),
    quotas: z
      .strictObject({
        listUsersPerSecond: z
          .int()
          .min(1)
          .max(1000)
          .default(15)
          .describe(
            "ListUsers requests per second this product may make, all workers together, when it reads a whole pool (the rollback's count of what the new pool gained). Cognito's UserList category allows 30 by default for the whole account and Region, shared with every other caller (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html); raise it only with a quota increase. 1 to 1000. Default 15.",
          ),
        createUsersPerSecond: z
          .int()
          .min(1)
          .max(1000)
          .default(50)
          .describe(
            "Users per second the sweep moves (or, as a dry-run, looks up), all workers together: each move is one AdminCreateUser. Cognito's UserCreation category (SignUp, ConfirmSignUp, AdminCreateUser, AdminConfirmSignUp) allows 50 by default for the whole account and Region (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html); users signing up meanwhile share it, and a throttled sweep backs off and resumes. Raise it only with a quota increase. 1 to 1000. Default 50.",
          ),
      })
      .default({ listUsersPerSecond: 15, createUsersPerSecond: 50 })
      .describe('Request rates under Cognito\'s quotas, e.g. { "listUsersPerSecond": 25 }.'),
    finish: z
      .strictObject({
        migrateUserCallers: z
          .array(iamRoleArn)
          .max(10)
          .default([])
          .describe(
            'IAM roles that may invoke the stage\'s migrateUser function, e.g. ["arn:aws:iam::111122223333:role/usermanagement-prod"]: the user-management service calls it when an admin opens a user who is still only in the old pool, and the user is moved at once. Default [] (operators only, with `cutover migrate-user`). At most 10.',
          ),
        sweepAfter: z.iso
          .datetime({ offset: true })
          .optional()
          .describe(
            'When the sweep may move the users who never signed in, e.g. "2026-03-01T00:00:00Z": the cut-off users are told of (`cutover sweep --announce`). Before it, and while it is not set, the sweep runs only as a dry-run (counts, no change).',
          ),
        announceDaysAhead: z
          .int()
          .min(1)
          .max(90)
          .default(14)
          .describe(
            'Days before sweepAfter that users must have been told (`cutover sweep --announce`, on the users topic): the sweep refuses to move anyone otherwise. 1 to 90. Default 14.',
          ),
      })
      .default({ migrateUserCallers: [], announceDaysAhead: 14 })
      .describe(
        'Finishing the migration: moving the users who never signed in, e.g. { "migrateUserCallers": ["arn:aws:iam::111122223333:role/usermanagement-prod"] }.',
      ),
  })
  .superRefine((plan, ctx) => {
    for (const [field, pool] of [
      ['oldPool', plan.oldPool],
      ['newPool', plan.newPool],
    ] as const) {
      if (!pool.userPoolId.startsWith(`${plan.region}_`)) {
        ctx.addIssue({
          code: 'custom',
          path: [field, 'userPoolId'],
          message: `must be a pool in the plan's region ${plan.region}`,
        });
      }
    }
    if (plan.oldPool.userPoolId === plan.newPool.userPoolId) {
      ctx.addIssue({
        code: 'custom',
        path: ['newPool', 'userPoolId'],
        message: 'must differ from oldPool.userPoolId',
      });
    }
    // aws:approve refuses more required approvals than approvers
    // (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-approve.html).
    const { approvers, minApprovals, required } = plan.approval;
    if (minApprovals > Math.max(1, approvers.length)) {
      ctx.addIssue({
        code: 'custom',
        path: ['approval', 'minApprovals'],
        message: `is ${minApprovals} but only ${approvers.length} approver(s) are named: name more approvers or lower minApprovals`,
      });
    }
    if (approvers.length > 0 && !required) {
      ctx.addIssue({
        code: 'custom',
        path: ['approval', 'approvers'],
        message: 'name approvers only with "required": true: without it nobody is asked',
      });
    }
    if (new Set(approvers).size !== approvers.length) {
      ctx.addIssue({ code: 'custom', path: ['approval', 'approvers'], message: 'names an approver twice' });
    }
    if (plan.notify.usersTopicArn === plan.notify.operatorsTopicArn) {
      // Operators' notices carry failure causes, task tokens and what to restore by hand.
      ctx.addIssue({
        code: 'custom',
        path: ['notify', 'usersTopicArn'],
        message:
          "must differ from operatorsTopicArn: operators' notices (failures, approval tokens) are not for users",
      });
    }
    for (const [field, arn] of Object.entries(plan.notify)) {
      if (arn.split(':')[3] !== plan.region) {
        ctx.addIssue({
          code: 'custom',
          path: ['notify', field],
          message: `must be a topic in ${plan.region}`,
        });
      }
    }
    // The freeze is released by restoring what it found: a freeze flag that is also a binding would
    // undo the switch, and a second freeze of one API, or an authorizer redeployed on another stage
    // of a frozen API, would leave a stage serving the freeze after the cutover.
    const bound = plan.services.flatMap((s, i) =>
      s.bindings.map((b, j) => ({ b, at: ['services', i, 'bindings', j] })),
    );
    const frozenApis = new Map<string, { stageName: string; at: number }>();
    plan.writeFreeze.forEach((item, i) => {
      if (item.kind === 'ssm-parameter') {
        if (bound.some(({ b }) => b.kind === 'ssm-parameter' && b.name === item.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['writeFreeze', i, 'name'],
            message: 'is also a service binding: the maintenance flag must be a parameter of its own',
          });
        }
        return;
      }
      const earlier = frozenApis.get(item.restApiId);
      if (earlier) {
        ctx.addIssue({
          code: 'custom',
          path: ['writeFreeze', i, 'restApiId'],
          message: `is frozen by writeFreeze[${earlier.at}] already: freeze each API once, listing its methods there`,
        });
        return;
      }
      frozenApis.set(item.restApiId, { stageName: item.stageName, at: i });
    });
    for (const { b, at } of bound) {
      if (b.kind !== 'apigateway-authorizer') continue;
      const frozen = frozenApis.get(b.restApiId);
      if (frozen && frozen.stageName !== b.stageName) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'stageName'],
          message: `redeploys an API whose writes are frozen on stage ${frozen.stageName}: the freeze would be deployed to ${b.stageName} too; use stage ${frozen.stageName}, or keep this API out of writeFreeze`,
        });
      }
    }
    // One function, one binding: a second update would meet the first still InProgress, and the
    // ledger keeps one snapshot per function to restore.
    const functions = new Map<string, string>();
    for (const { b, at } of bound) {
      if (b.kind !== 'lambda-environment') continue;
      const earlier = functions.get(b.functionName);
      if (earlier) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'functionName'],
          message: `is bound by ${earlier} already: name all its variables in that one binding`,
        });
      }
      functions.set(b.functionName, formatPath(at));
    }
    serviceIssues(plan.services, ctx);
    if (plan.dns.recordType === 'CNAME' && 'values' in plan.dns.target && plan.dns.target.values.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['dns', 'target', 'values'],
        message: 'a CNAME takes exactly one value',
      });
    }
  });

export type Plan = z.output<typeof planSchema>;
export type Binding = z.output<typeof bindingSchema>;
export type Freeze = z.output<typeof freezeSchema>;
export type HealthCheck = Plan['health']['checks'][number];

/** `services[0].bindings[1].kind` — the path an operator can find in their JSON. */
export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (out, key) =>
        typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key),
      '',
    ) || '(plan)'
  );
}

export function planIssues(error: z.ZodError): PlanIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message:
      // Zod 4 leaves issue.input out unless asked; its message says what was received.
      issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
        ? 'required'
        : issue.code === 'unrecognized_keys'
          ? `unknown field(s) ${issue.keys.join(', ')}: remove or correct the spelling`
          : issue.message,
  }));
}

/** Validates a plan; throws `PlanInvalid` naming every bad field. */
export function parsePlan(input: unknown): Plan {
  const result = planSchema.safeParse(input);
  if (!result.success) throw new PlanInvalid(planIssues(result.error));
  return result.data;
}
