import {
  DescribeUserPoolClientCommand,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The wiring lazy migration needs, which the reference incident lacked: users saw only "incorrect
 * username or password". Each check throws PreflightFailed with the fix, or says what it found.
 */

export type Trigger = 'UserMigration' | 'PreTokenGeneration';

/** The new pool's `trigger` is the plan's function `fn` (by name or ARN). */
export function triggerWired(triggers: LambdaConfigType, trigger: Trigger, fn: string): string {
  // A pool on the V2 event format names PreTokenGeneration in PreTokenGenerationConfig instead.
  const wired =
    trigger === 'PreTokenGeneration'
      ? (triggers.PreTokenGenerationConfig?.LambdaArn ?? triggers.PreTokenGeneration)
      : triggers.UserMigration;
  if (!wired || wired.split(':').at(-1) !== fn.split(':').at(-1)) {
    throw new PreflightFailed([
      `the new pool's ${trigger} trigger is ${wired ?? 'not set'}: set it to ${fn} (Cognito console → User pool → Extensions → Lambda triggers)`,
    ]);
  }
  return `${trigger} → ${wired}`;
}

interface Statement {
  Effect?: string;
  Principal?: { Service?: string | string[] } | string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function allowsPool(statement: Statement, poolArn: string): boolean {
  const services = typeof statement.Principal === 'object' ? [statement.Principal.Service ?? []].flat() : [];
  const actions = [statement.Action ?? []].flat();
  const sources = Object.values(statement.Condition ?? {}).flatMap((c) => [c['AWS:SourceArn'] ?? []].flat());
  return (
    statement.Effect === 'Allow' &&
    services.includes('cognito-idp.amazonaws.com') &&
    actions.some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*') &&
    (sources.length === 0 || sources.includes(poolArn))
  );
}

/** Cognito may invoke trigger function `fn` on behalf of the new pool. */
export async function invokeAllowed(plan: Plan, fn: string, newPoolArn: string): Promise<string> {
  const fix = `cognito-idp.amazonaws.com may not invoke ${fn} for ${newPoolArn}: run aws lambda add-permission --function-name ${fn} --statement-id cognito-trigger --action lambda:InvokeFunction --principal cognito-idp.amazonaws.com --source-arn ${newPoolArn}`;
  let policy: string | undefined;
  try {
    const out = await named(
      `reading the resource policy of ${fn}`,
      aws.lambda(plan.region).send(new GetPolicyCommand({ FunctionName: fn })),
    );
    policy = out.Policy;
  } catch (error) {
    if (!isNotFound(error, 'ResourceNotFoundException')) throw error;
  }
  const statements = (JSON.parse(policy ?? '{}') as { Statement?: Statement[] }).Statement ?? [];
  if (!statements.some((s) => allowsPool(s, newPoolArn))) throw new PreflightFailed([fix]);
  return `cognito-idp.amazonaws.com may invoke it for ${newPoolArn}`;
}

/** An app client allows the flow migration depends on, by either of its names. */
export async function clientAllows(
  region: string,
  pool: string,
  clientId: string,
  flows: { needed: string[]; why: string; signsIn: string },
): Promise<string> {
  const out = await named(
    `describing app client ${clientId} of ${pool}`,
    aws.cognito(region).send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: clientId })),
  );
  const enabled = out.UserPoolClient?.ExplicitAuthFlows ?? [];
  if (!flows.needed.some((f) => enabled.includes(f as never))) {
    throw new PreflightFailed([
      `app client ${clientId} of ${pool} allows ${enabled.join(', ') || 'no flow'}: enable ${flows.needed[0]} (${flows.why})`,
    ]);
  }
  const hides = out.UserPoolClient?.PreventUserExistenceErrors === 'ENABLED';
  // Never the secret itself: only that there is one, and who proves it.
  const secret = out.UserPoolClient?.ClientSecret
    ? `; has a client secret, so ${flows.signsIn} sends SECRET_HASH computed with it`
    : '; no client secret';
  return `flows ${enabled.join(', ')}${secret}${hides ? '; PreventUserExistenceErrors is on, so users see only "incorrect username or password" when migration fails' : ''}`;
}

// DescribeUserPoolClient: the trigger reads the migration client's secret, if it has one.
const OLD_POOL_ACTIONS = [
  'cognito-idp:AdminInitiateAuth',
  'cognito-idp:AdminGetUser',
  'cognito-idp:DescribeUserPoolClient',
];

/** The migration function as deployed: its role, and the environment its carry rule is read from. */
export async function migrationFunction(plan: Plan) {
  const fn = plan.newPool.migrationFunctionName;
  const config = await named(
    `reading the configuration of ${fn}`,
    aws.lambda(plan.region).send(new GetFunctionConfigurationCommand({ FunctionName: fn })),
  );
  return { role: config.Role ?? '', environment: config.Environment?.Variables ?? {} };
}

/** The migration function's role may sign users in on, and read them from, the old pool. */
export async function oldPoolAuthAllowed(plan: Plan, role: string, oldPoolArn: string): Promise<string> {
  const fn = plan.newPool.migrationFunctionName;
  const out = await named(
    `simulating ${role}'s access to ${oldPoolArn}`,
    aws.iam(plan.region).send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: role,
        ActionNames: OLD_POOL_ACTIONS,
        ResourceArns: [oldPoolArn],
      }),
    ),
  );
  const denied = (out.EvaluationResults ?? [])
    .filter((r) => r.EvalDecision !== 'allowed')
    .map((r) => r.EvalActionName ?? '');
  if (denied.length > 0) {
    const statement = JSON.stringify({ Effect: 'Allow', Action: OLD_POOL_ACTIONS, Resource: oldPoolArn });
    throw new PreflightFailed([
      `${fn}'s role ${role} may not call ${denied.join(', ')} on ${oldPoolArn}, so no user can migrate: add to the role ${statement}`,
    ]);
  }
  return `${role} may call ${OLD_POOL_ACTIONS.join(', ')} on the old pool`;
}
