import { nowIso } from '../clock.ts';
import type { Binding } from '../plan/schema.ts';
import { apigatewayAuthorizer } from '../resources/apigateway-authorizer.ts';
import { ecsService } from '../resources/ecs-service.ts';
import { lambdaEnvironment } from '../resources/lambda-environment.ts';
import { secret, secretRef, switchedTo } from '../resources/secret.ts';
import { setTo, ssmParameter } from '../resources/ssm-parameter.ts';
import { applyChange, type ChangeReport } from './core/change.ts';
import type { StepContext } from './core/context.ts';
import { fillTemplate, type PoolFacts, poolFacts } from './core/pools.ts';

function switchBinding(ctx: StepContext, binding: Binding, pools: PoolFacts): Promise<ChangeReport> {
  const fill = (template: string) => fillTemplate(template, ctx.plan, pools);
  switch (binding.kind) {
    case 'ssm-parameter':
      return applyChange(ctx, ssmParameter, { name: binding.name }, (current) =>
        setTo(current, fill(binding.value)),
      );
    case 'secret':
      return applyChange(ctx, secret, secretRef(binding), (current) =>
        switchedTo(current, fill(binding.value)),
      );
    case 'lambda-environment':
      return applyChange(
        ctx,
        lambdaEnvironment,
        { functionName: binding.functionName, ...(binding.alias ? { alias: binding.alias } : {}) },
        (current) => {
          const variables = {
            ...current.variables,
            ...Object.fromEntries(
              Object.entries(binding.variables).map(([name, value]) => [name, fill(value)]),
            ),
          };
          // The alias is to serve what $LATEST will hold: on a version published once the update is done.
          return current.alias ? { variables, alias: { ...current.alias, variables } } : { variables };
        },
      );
    case 'apigateway-authorizer':
      return applyChange(
        ctx,
        apigatewayAuthorizer,
        { restApiId: binding.restApiId, authorizerId: binding.authorizerId, stageName: binding.stageName },
        (current) => ({
          providerARNs: [
            ...new Set([...current.providerARNs.filter((arn) => arn !== pools.oldPoolArn), pools.newPoolArn]),
          ].sort(),
        }),
      );
    case 'ecs-service':
      return applyChange(
        ctx,
        ecsService,
        { cluster: binding.cluster, service: binding.service },
        (current) => current,
      );
  }
}

/** Points each dependent service at the new pool, in plan order, binding by binding. */
export async function switchServices(ctx: StepContext) {
  const pools = await poolFacts(ctx.plan);
  const changes: (ChangeReport & { service: string })[] = [];
  for (const service of ctx.plan.services) {
    for (const binding of service.bindings) {
      changes.push({ service: service.name, ...(await switchBinding(ctx, binding, pools)) });
    }
  }
  // Redeploys and function updates run on after the calls: the services are switched once they settle.
  const deployments = changes.flatMap((c) => c.pending.filter((p) => p.kind !== 'dns-change'));
  return { changes, deployments, settled: deployments.length === 0, at: nowIso() };
}
