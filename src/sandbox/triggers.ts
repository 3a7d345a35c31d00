import { addLegacyClaims, preTokenGenerationConfigFromEnv } from '../triggers/pre-token-generation.ts';
import { migrateUser, userMigrationConfigFromEnv } from '../triggers/user-migration.ts';
import type { LambdaFunction, World } from './world.ts';

interface Statement {
  Effect?: string;
  Principal?: { Service?: string | string[] } | string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Lambda's resource-policy check for a service principal, with the SourceArn condition Cognito sends. */
function mayInvoke(fn: LambdaFunction, principal: string, sourceArn: string): boolean {
  const statements = (JSON.parse(fn.policy ?? '{}') as { Statement?: Statement[] }).Statement ?? [];
  return statements.some((s) => {
    const services = typeof s.Principal === 'object' ? [s.Principal.Service ?? []].flat() : [];
    const sources = Object.values(s.Condition ?? {}).flatMap((c) => [c['AWS:SourceArn'] ?? []].flat());
    return (
      s.Effect === 'Allow' &&
      services.includes(principal) &&
      (sources.length === 0 || sources.includes(sourceArn))
    );
  });
}

/**
 * Cognito invoking one of the project's triggers: Lambda checks the resource policy, then the
 * deployed trigger code runs in process with the function's own environment, its AWS calls
 * answered by the same sandbox.
 */
export async function invokeTrigger(
  world: World,
  request: { functionArn: string; principal: string; sourceArn: string; event: object },
): Promise<object> {
  const name = request.functionArn.split(':').at(-1) ?? '';
  const fn = world.functions.get(name);
  const refuse = (errorName: string, message: string): never => {
    throw Object.assign(new Error(message), { name: errorName });
  };
  if (!fn) return refuse('ResourceNotFoundException', `Function not found: ${request.functionArn}`);
  if (!mayInvoke(fn, request.principal, request.sourceArn)) {
    return refuse(
      'AccessDeniedException',
      `${request.principal} is not authorized to perform: lambda:InvokeFunction on resource: ${fn.arn}`,
    );
  }
  const env = { ...fn.variables, AWS_REGION: world.region, AWS_LAMBDA_FUNCTION_NAME: fn.name };
  switch (fn.runs) {
    case 'user-migration':
      return migrateUser(request.event, userMigrationConfigFromEnv(env));
    case 'pre-token-generation':
      return addLegacyClaims(request.event, preTokenGenerationConfigFromEnv(env));
    default:
      return refuse('Runtime.HandlerNotFound', `${fn.name} runs no code the sandbox knows`);
  }
}
