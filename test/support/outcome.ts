import { readLock } from '../../src/ledger/lock.ts';
import type { Session } from '../../src/local/runner.ts';
import type { Binding, Plan } from '../../src/plan/schema.ts';
import { FREEZE_SID } from '../../src/resources/apigateway-policy.ts';
import { fqdn, hostedZoneId } from '../../src/resources/route53-record.ts';
import { secretValue, type World } from '../../src/sandbox/index.ts';

/**
 * What callers of each REST API stage see: the policy and authorizer pools of the deployment the
 * stage serves. The world snapshot holds the API's configuration; this is what is live.
 */
export type LiveStages = Record<string, { policy: string | null; providerARNs: Record<string, string[]> }>;

export function liveStages(world: World): LiveStages {
  const live: LiveStages = {};
  for (const api of world.restApis.values()) {
    for (const stage of api.stages.values()) {
      const deployment = api.deployments.get(stage.deploymentId);
      live[`${api.id}/${stage.stageName}`] = {
        policy: deployment?.policy ? JSON.stringify(JSON.parse(deployment.policy)) : null,
        providerARNs: Object.fromEntries(
          Object.entries(deployment?.providerARNs ?? {}).map(([id, arns]) => [id, [...arns].sort()]),
        ),
      };
    }
  }
  return live;
}

/** What the world looked like before the rehearsal, beyond what `worldRestored` compares. */
export interface Before {
  live: LiveStages;
  /** The PRIMARY deployment of each ECS service, by `cluster/service`. */
  ecsPrimary: Record<string, string | undefined>;
  /** The record's TTL before the cutover, when it held values. */
  recordTtl: number | undefined;
}

function record(world: World, plan: Plan) {
  const zone = world.zones.get(hostedZoneId(plan.dns.hostedZoneId));
  return zone?.records.find((r) => r.Name === fqdn(plan.dns.recordName) && r.Type === plan.dns.recordType);
}

export function observeBefore(world: World, plan: Plan): Before {
  const ecsPrimary: Record<string, string | undefined> = {};
  for (const cluster of world.clusters.values()) {
    for (const service of cluster.services.values()) {
      ecsPrimary[`${cluster.name}/${service.name}`] = service.deployments.find(
        (d) => d.status === 'PRIMARY',
      )?.id;
    }
  }
  return { live: liveStages(world), ecsPrimary, recordTtl: record(world, plan)?.TTL };
}

export async function lockHeld(session: Session, plan: Plan): Promise<boolean> {
  const [table] = session.sandbox.world.tables.keys();
  if (!table) return false;
  session.sandbox.install();
  try {
    const lock = await readLock({ table, region: plan.region, migrationId: plan.migrationId });
    return lock?.status === 'held';
  } finally {
    session.sandbox.uninstall();
  }
}

/** The snapshot label `worldRestored` and `drift` use for the resource a binding switches. */
function labelOf(binding: Binding): string | undefined {
  switch (binding.kind) {
    case 'ssm-parameter':
      return `ssm-parameter:${binding.name}`;
    case 'secret':
      return `secret:${binding.secretId}`;
    case 'lambda-environment':
      return `lambda-environment:${binding.functionName}`;
    case 'apigateway-authorizer':
      return `apigateway-authorizer:${binding.restApiId}/${binding.authorizerId}`;
    case 'ecs-service':
      // A redeploy keeps the task definition and count: nothing for the snapshot to differ on.
      return undefined;
  }
}

/**
 * Everything that is not fully switched after a SUCCEEDED cutover: every binding names the new
 * pool (in the resource and, for authorizers, in the deployment the stage serves), every ECS
 * service was redeployed and is stable, the record points at the target, the write freeze is
 * lifted everywhere callers can see it, nothing else drifted, and the lock is free.
 */
export function notSwitched(
  plan: Plan,
  world: World,
  before: Before,
  drift: { resource: string }[],
): string[] {
  const problems: string[] = [];
  const oldArn = world.pools.get(plan.oldPool.userPoolId)?.arn ?? '';
  const newArn = world.pools.get(plan.newPool.userPoolId)?.arn ?? '';
  const fill = (template: string) =>
    template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) =>
      name === 'newPool.userPoolArn'
        ? newArn
        : name === 'newPool.appClientId'
          ? plan.newPool.appClientId
          : plan.newPool.userPoolId,
    );
  const live = liveStages(world);

  for (const binding of plan.services.flatMap((s) => s.bindings)) {
    switch (binding.kind) {
      case 'ssm-parameter': {
        const value = world.parameters.get(binding.name)?.value;
        if (value !== fill(binding.value)) problems.push(`parameter ${binding.name} holds ${value}`);
        break;
      }
      case 'secret': {
        const text = secretValue(world.secrets.get(binding.secretId)) ?? '';
        const value = binding.jsonKey ? (JSON.parse(text) as Record<string, unknown>)[binding.jsonKey] : text;
        if (value !== fill(binding.value)) problems.push(`secret ${binding.secretId} holds ${text}`);
        break;
      }
      case 'lambda-environment': {
        const variables = world.functions.get(binding.functionName)?.variables ?? {};
        for (const [name, template] of Object.entries(binding.variables)) {
          if (variables[name] !== fill(template)) {
            problems.push(`function ${binding.functionName} has ${name}=${variables[name]}`);
          }
        }
        break;
      }
      case 'apigateway-authorizer': {
        const configured = world.restApis.get(binding.restApiId)?.authorizers.get(binding.authorizerId);
        const served = live[`${binding.restApiId}/${binding.stageName}`]?.providerARNs[binding.authorizerId];
        for (const [where, arns] of [
          ['configured', configured?.providerARNs],
          [`served on stage ${binding.stageName}`, served],
        ] as const) {
          if (!arns?.includes(newArn) || arns.includes(oldArn)) {
            problems.push(`authorizer ${binding.restApiId}/${binding.authorizerId} ${where}: ${arns}`);
          }
        }
        break;
      }
      case 'ecs-service': {
        const id = `${binding.cluster}/${binding.service}`;
        const primary = world.clusters
          .get(binding.cluster)
          ?.services.get(binding.service)
          ?.deployments.find((d) => d.status === 'PRIMARY');
        if (!primary || primary.id === before.ecsPrimary[id])
          problems.push(`ECS service ${id} not redeployed`);
        else if (primary.rolloutState !== 'COMPLETED') problems.push(`ECS service ${id} not stable`);
        break;
      }
    }
  }

  const target = plan.dns.target;
  const now = record(world, plan);
  if ('values' in target) {
    const values = (now?.ResourceRecords ?? []).map((r) => r.Value).sort();
    if (JSON.stringify(values) !== JSON.stringify([...target.values].sort()) || now?.AliasTarget) {
      problems.push(`record holds ${JSON.stringify(now)}`);
    }
    // The record is written with the cutover TTL and given back the original one when that was higher.
    const cutover = plan.dns.cutoverTtlSeconds;
    const allowed = [cutover, before.recordTtl, Math.max(cutover, before.recordTtl ?? 0)];
    if (!allowed.includes(now?.TTL)) problems.push(`record TTL ${now?.TTL}, before ${before.recordTtl}`);
  } else if (now?.AliasTarget?.DNSName !== fqdn(target.aliasDnsName) || now.ResourceRecords) {
    problems.push(`record holds ${JSON.stringify(now)}`);
  }

  for (const [stage, view] of Object.entries(live)) {
    if (view.policy?.includes(FREEZE_SID)) problems.push(`stage ${stage} still serves the write freeze`);
  }

  const switched = new Set([
    ...plan.services.flatMap((s) => s.bindings.map(labelOf)),
    `route53-record:${hostedZoneId(plan.dns.hostedZoneId)}/${fqdn(plan.dns.recordName)}/${plan.dns.recordType}`,
  ]);
  for (const d of drift) {
    if (!switched.has(d.resource)) problems.push(`${d.resource} changed but the plan does not switch it`);
  }
  return problems;
}

/**
 * Everything that is not fully restored after a ROLLED_BACK cutover, beyond the snapshot
 * (`worldRestored`, `drift`): each stage serves what it served before, and each ECS service
 * redeployed during the cutover was redeployed again after the values its tasks read were restored.
 */
export function notRestored(plan: Plan, world: World, before: Before, session: Session): string[] {
  const problems: string[] = [];
  const live = liveStages(world);
  for (const [stage, view] of Object.entries(before.live)) {
    if (JSON.stringify(live[stage]) !== JSON.stringify(view)) {
      problems.push(`stage ${stage} serves ${JSON.stringify(live[stage])}, before ${JSON.stringify(view)}`);
    }
  }

  const bindings = plan.services.flatMap((s) => s.bindings);
  const parameters = new Set(bindings.flatMap((b) => (b.kind === 'ssm-parameter' ? [b.name] : [])));
  const secrets = new Set(bindings.flatMap((b) => (b.kind === 'secret' ? [b.secretId] : [])));
  const calls = session.sandbox.calls;
  const lastValueWrite = calls.findLastIndex((c) => {
    const input = c.input as { Name?: string; SecretId?: string };
    return (
      c.mutating &&
      !c.error &&
      ((c.service === 'SSM' && parameters.has(input.Name ?? '')) ||
        (c.service === 'SecretsManager' && secrets.has(input.SecretId ?? '')))
    );
  });
  for (const b of bindings) {
    if (b.kind !== 'ecs-service') continue;
    const redeploys = calls.flatMap((c, i) => {
      const input = c.input as { cluster?: string; service?: string };
      return c.command === 'UpdateService' &&
        !c.error &&
        input.cluster === b.cluster &&
        input.service === b.service
        ? [i]
        : [];
    });
    const last = redeploys.at(-1);
    if (last !== undefined && last < lastValueWrite) {
      problems.push(`ECS service ${b.cluster}/${b.service} last redeployed before the values were restored`);
    }
  }
  return problems;
}
