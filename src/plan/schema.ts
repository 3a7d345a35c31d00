import * as z from 'zod';
import { PlanInvalid, type PlanIssue } from '../errors.ts';

const nonEmpty = z.string().min(1, 'must not be empty').max(2048, 'must be at most 2048 characters');
const printable = (s: z.ZodString) =>
  s.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters (newlines, tabs, NUL)');

const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'expected an AWS region such as eu-west-2');
const userPoolId = z
  .string()
  .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'expected a user pool id such as eu-west-2_AbCdEf123');
const snsTopicArn = z
  .string()
  .regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'expected an SNS topic ARN');

/** Values written to a binding may name the new pool; these are the names a value may use. */
export const PLACEHOLDERS = ['newPool.userPoolId', 'newPool.appClientId', 'newPool.userPoolArn'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const templated = printable(nonEmpty).refine(
  (v) => [...v.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].every((m) => PLACEHOLDERS.includes(m[1] as Placeholder)),
  { message: `may only use the placeholders ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}` },
);
const DEFAULT_VALUE = '{{newPool.userPoolId}}';

const ssmParameterName = printable(nonEmpty).regex(
  /^\/?[\w.\-/]+$/,
  'expected an SSM parameter name such as /reval/prod/cognito-user-pool-id',
);

const ssmParameterBinding = z.strictObject({
  kind: z.literal('ssm-parameter'),
  name: ssmParameterName,
  value: templated.default(DEFAULT_VALUE),
});
const secretBinding = z.strictObject({
  kind: z.literal('secret'),
  secretId: printable(nonEmpty),
  /** When the secret is a JSON object, only this key is switched. */
  jsonKey: printable(nonEmpty).optional(),
  value: templated.default(DEFAULT_VALUE),
});
const lambdaEnvironmentBinding = z.strictObject({
  kind: z.literal('lambda-environment'),
  functionName: printable(nonEmpty),
  variables: z
    .record(z.string().regex(/^[a-zA-Z]\w*$/, 'expected an environment variable name'), templated)
    .refine((v) => Object.keys(v).length > 0, 'name at least one variable'),
});
const authorizerBinding = z.strictObject({
  kind: z.literal('apigateway-authorizer'),
  restApiId: printable(nonEmpty),
  authorizerId: printable(nonEmpty),
  stageName: printable(nonEmpty),
});
const ecsServiceBinding = z.strictObject({
  kind: z.literal('ecs-service'),
  cluster: printable(nonEmpty),
  service: printable(nonEmpty),
});

export const bindingSchema = z.discriminatedUnion(
  'kind',
  [ssmParameterBinding, secretBinding, lambdaEnvironmentBinding, authorizerBinding, ecsServiceBinding],
  { error: 'expected one of ssm-parameter, secret, lambda-environment, apigateway-authorizer, ecs-service' },
);

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const apiPolicyFreeze = z.strictObject({
  kind: z.literal('apigateway-policy'),
  restApiId: printable(nonEmpty),
  stageName: printable(nonEmpty),
  methods: z
    .array(z.enum(WRITE_METHODS, { error: `expected one of ${WRITE_METHODS.join(', ')}` }))
    .min(1, 'name at least one method')
    .default([...WRITE_METHODS]),
});
const ssmParameterFreeze = z.strictObject({
  kind: z.literal('ssm-parameter'),
  name: ssmParameterName,
  value: printable(nonEmpty),
});
export const freezeSchema = z.discriminatedUnion('kind', [apiPolicyFreeze, ssmParameterFreeze], {
  error: 'expected one of apigateway-policy, ssm-parameter',
});

const aliasTarget = z.strictObject({
  aliasDnsName: printable(nonEmpty),
  aliasHostedZoneId: printable(nonEmpty),
  evaluateTargetHealth: z.boolean().default(false),
});
const valuesTarget = z.strictObject({
  values: z.array(printable(nonEmpty)).min(1, 'name at least one value').max(100),
});

const healthCheck = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('http'),
      url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
      expectStatus: z.int().min(100).max(599).default(200),
      timeoutSeconds: z.int().min(1).max(30).default(5),
    }),
    z.strictObject({
      kind: z.literal('cloudwatch-alarm'),
      alarmNames: z.array(printable(nonEmpty)).min(1, 'name at least one alarm').max(100),
    }),
    z.strictObject({
      kind: z.literal('cognito-sign-in'),
      /** A Secrets Manager secret holding {"username","password"} of a canary user of the OLD pool. */
      canarySecretId: printable(nonEmpty),
      /** Claims the new pool's ID token must carry, besides iss, aud and token_use, which are always checked. */
      expectClaims: z
        .array(z.string().regex(/^[\w:.-]{1,128}$/, 'expected a claim name such as preferred_username'))
        .max(50)
        .default([]),
    }),
  ],
  { error: 'expected one of http, cloudwatch-alarm, cognito-sign-in' },
);

export const planSchema = z
  .strictObject({
    migrationId: z
      .string()
      .regex(
        /^[a-zA-Z0-9][\w-]{0,79}$/,
        'expected 1-80 letters, digits, - or _, starting with a letter or digit',
      ),
    region,
    dryRun: z.boolean().default(false),
    oldPool: z.strictObject({ userPoolId, migrationClientId: printable(nonEmpty) }),
    newPool: z.strictObject({
      userPoolId,
      appClientId: printable(nonEmpty),
      migrationFunctionName: printable(nonEmpty),
      /** The PreTokenGeneration trigger, when the dependent services read claims it adds. */
      preTokenGenerationFunctionName: printable(nonEmpty).optional(),
    }),
    notify: z.strictObject({ usersTopicArn: snsTopicArn, operatorsTopicArn: snsTopicArn }),
    writeFreeze: z.array(freezeSchema).max(20).default([]),
    dns: z.strictObject({
      hostedZoneId: printable(nonEmpty).regex(/^(\/hostedzone\/)?[A-Z0-9]+$/, 'expected a hosted zone id'),
      recordName: printable(nonEmpty).regex(/^[a-zA-Z0-9*_.-]+\.?$/, 'expected a DNS name'),
      recordType: z.enum(['A', 'AAAA', 'CNAME'], { error: 'expected A, AAAA or CNAME' }),
      target: z.union([aliasTarget, valuesTarget], {
        error: 'expected { aliasDnsName, aliasHostedZoneId } or { values: [...] }',
      }),
      cutoverTtlSeconds: z.int().min(0).max(86_400).default(60),
      /** What the record holds before cutover; the dry-run reports drift from it. */
      expected: z
        .union([z.strictObject({ aliasDnsName: printable(nonEmpty) }), valuesTarget], {
          error: 'expected { aliasDnsName } or { values: [...] }',
        })
        .optional(),
    }),
    services: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a lower-case name such as reval'),
          bindings: z.array(bindingSchema).min(1, 'name at least one binding').max(50),
        }),
      )
      .min(1, 'name at least one service')
      .max(50),
    health: z.strictObject({
      checks: z.array(healthCheck).min(1, 'name at least one check').max(50),
      intervalSeconds: z.int().min(1).max(3600).default(30),
      requiredPasses: z.int().min(1).max(100).default(3),
      deadlineSeconds: z.int().min(60).max(86_400).default(3600),
    }),
    // Always present after validation, so the state machine's Choice never reads a missing path.
    approval: z
      .strictObject({ required: z.boolean(), timeoutSeconds: z.int().min(60).max(86_400).default(1800) })
      .default({ required: false, timeoutSeconds: 1800 }),
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
    for (const [field, arn] of Object.entries(plan.notify)) {
      if (arn.split(':')[3] !== plan.region) {
        ctx.addIssue({
          code: 'custom',
          path: ['notify', field],
          message: `must be a topic in ${plan.region}`,
        });
      }
    }
    const seen = new Set<string>();
    plan.services.forEach((service, i) => {
      if (seen.has(service.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'name'],
          message: 'is used by another service',
        });
      }
      seen.add(service.name);
    });
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
      issue.code === 'invalid_type' && issue.input === undefined
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
