import type { BindingKind, BindingOf, FreezeKind, FreezeOf, ResourceKind } from '../kinds/kind.ts';
import type { Binding, Freeze } from '../plan/schema.ts';
import { digest } from '../redact.ts';
import {
  CREATED,
  type Seeding,
  seedFunction,
  seedParameter,
  seedRestApi,
  seedSecret,
  seedStage,
} from './seeding.ts';
import { dnsName } from './services/route53.ts';
import {
  clusterArn,
  currentVersion,
  type EcsService,
  SANDBOX_SECRET_MARK,
  serviceArn,
  type World,
} from './world.ts';

/**
 * How the sandbox holds each kind of resource the cutover changes: how it seeds the old world a
 * plan item names, how it snapshots every resource of the kind (what `worldRestored` is judged by),
 * and how it leaves one out (`WorldOptions.missing`). A kind the plan schema adds and this lacks is a
 * type error.
 */
export type SandboxKind<K extends ResourceKind> = {
  /** Every resource of the kind in the world, by label (`<kind>:<ref>`), as a rollback must leave it. */
  snapshot(world: World): Record<string, unknown>;
  /** Removes the resource `ref` (a label without its `<kind>:`) names; false when it names nothing. */
  leaveOut(world: World, ref: string): boolean;
} & (K extends BindingKind ? { seedBinding(binding: BindingOf<K>, seeding: Seeding): void } : unknown) &
  (K extends FreezeKind ? { seedFreeze(item: FreezeOf<K>, seeding: Seeding): void } : unknown);

// Route 53 values and authorizer providers are sets: a restore may bring them back in another order.
const sorted = (values: string[]) => [...values].sort();

export function splitOnce(ref: string): [string, string] {
  const slash = ref.indexOf('/');
  return slash < 0 ? [ref, ''] : [ref.slice(0, slash), ref.slice(slash + 1)];
}

const route53Record: SandboxKind<'route53-record'> = {
  snapshot(world) {
    const snapshot: Record<string, unknown> = {};
    for (const zone of world.zones.values()) {
      for (const r of zone.records) {
        const member = r.SetIdentifier ? `/${r.SetIdentifier}` : '';
        // Routing fields too: a restore that drops a weight or a health check is not a restore.
        const { Name: _n, Type: _t, TTL: _ttl, ResourceRecords: _rr, AliasTarget: _a, ...routing } = r;
        snapshot[`route53-record:${zone.id}/${r.Name}/${r.Type}${member}`] = {
          ...routing,
          ...(r.TTL !== undefined ? { TTL: r.TTL } : {}),
          ...(r.ResourceRecords
            ? { ResourceRecords: sorted(r.ResourceRecords.map((v) => v.Value ?? '')) }
            : {}),
          ...(r.AliasTarget ? { AliasTarget: { ...r.AliasTarget } } : {}),
        };
      }
    }
    return snapshot;
  },
  leaveOut(world, ref) {
    const zoneRef = ref.replace(/^\/hostedzone\//, '');
    const [zoneId = '', rest = ''] = splitOnce(zoneRef);
    const type = rest.slice(rest.lastIndexOf('/') + 1);
    const name = dnsName(rest.slice(0, rest.lastIndexOf('/')));
    const zone = world.zones.get(zoneId);
    const before = zone?.records.length ?? 0;
    if (zone) zone.records = zone.records.filter((r) => !(r.Name === name && r.Type === type));
    return (zone?.records.length ?? 0) < before;
  },
};

const apigatewayPolicy: SandboxKind<'apigateway-policy'> = {
  seedFreeze: (item, { world }) => seedStage(seedRestApi(world, item.restApiId), item.stageName),
  snapshot: (world) =>
    Object.fromEntries(
      [...world.restApis.values()].map((api) => [`apigateway-policy:${api.id}`, api.policy ?? null]),
    ),
  leaveOut: (world, ref) => world.restApis.delete(ref),
};

const apigatewayAuthorizer: SandboxKind<'apigateway-authorizer'> = {
  seedBinding(binding, { world, plan, oldPoolArn }) {
    const api = seedRestApi(world, binding.restApiId);
    if (!api.authorizers.has(binding.authorizerId)) {
      api.authorizers.set(binding.authorizerId, {
        id: binding.authorizerId,
        name: `${plan.migrationId}-cognito`,
        providerARNs: [oldPoolArn],
      });
    }
    seedStage(api, binding.stageName);
  },
  snapshot: (world) =>
    Object.fromEntries(
      [...world.restApis.values()].flatMap((api) =>
        [...api.authorizers.values()].map((a) => [
          `apigateway-authorizer:${api.id}/${a.id}`,
          sorted(a.providerARNs),
        ]),
      ),
    ),
  leaveOut(world, ref) {
    const [api, authorizer] = splitOnce(ref);
    return world.restApis.get(api)?.authorizers.delete(authorizer) ?? false;
  },
};

const ssmParameter: SandboxKind<'ssm-parameter'> = {
  seedBinding: (binding, seeding) => seedParameter(seeding, binding.name, seeding.oldValue(binding.value)),
  // The application's maintenance flag, off.
  seedFreeze: (item, seeding) => seedParameter(seeding, item.name, 'false'),
  // A SecureString as a digest, with its key: restored under another key is not restored.
  snapshot: (world) =>
    Object.fromEntries(
      [...world.parameters.values()].map((p) => [
        `ssm-parameter:${p.name}`,
        p.type === 'SecureString'
          ? { value: digest(p.value), type: p.type, keyId: p.keyId }
          : { value: p.value, type: p.type },
      ]),
    ),
  leaveOut: (world, ref) => world.parameters.delete(ref),
};

const secret: SandboxKind<'secret'> = {
  seedBinding(binding, { world, plan, options, oldValue }) {
    const value = oldValue(binding.value);
    // The reference customer's secret keeps its database password beside the pool id: no
    // report, ledger item or notice may carry it, and the cutover must keep it byte for byte.
    seedSecret(
      world,
      binding.secretId,
      binding.jsonKey
        ? JSON.stringify({
            [binding.jsonKey]: value,
            region: plan.region,
            databasePassword: `${SANDBOX_SECRET_MARK}-${world.secrets.size + 1}`,
            ...(options.secretPaddingBytes ? { certificate: 'c'.repeat(options.secretPaddingBytes) } : {}),
          })
        : value,
    );
  },
  // A digest of the whole text, byte for byte: the drift a report shows must not carry the value.
  snapshot: (world) =>
    Object.fromEntries(
      [...world.secrets.values()].map((s) => [`secret:${s.name}`, digest(currentVersion(s).value)]),
    ),
  leaveOut: (world, ref) => world.secrets.delete(ref),
};

const lambdaEnvironment: SandboxKind<'lambda-environment'> = {
  seedBinding: (binding, { world, options, oldValue }) =>
    seedFunction(
      world,
      binding.functionName,
      {
        ...Object.fromEntries(Object.entries(binding.variables).map(([k, v]) => [k, oldValue(v)])),
        LOG_LEVEL: 'INFO',
      },
      options.functionAlias,
    ),
  snapshot(world) {
    const snapshot: Record<string, unknown> = {};
    for (const fn of world.functions.values()) {
      snapshot[`lambda-environment:${fn.name}`] = { ...fn.variables };
      // Which version each alias serves. A version the cutover published stays (versions are immutable).
      for (const alias of fn.aliases.values())
        snapshot[`lambda-alias:${fn.name}/${alias.name}`] = alias.version;
    }
    return snapshot;
  },
  leaveOut: (world, ref) => world.functions.delete(ref),
};

const ecsService: SandboxKind<'ecs-service'> = {
  seedBinding(binding, { world }) {
    const cluster = world.clusters.get(binding.cluster) ?? {
      name: binding.cluster,
      arn: clusterArn(world, binding.cluster),
      services: new Map<string, EcsService>(),
    };
    world.clusters.set(binding.cluster, cluster);
    const taskDefinition = `arn:aws:ecs:${world.region}:${world.accountId}:task-definition/${binding.service}:1`;
    cluster.services.set(binding.service, {
      name: binding.service,
      arn: serviceArn(world, binding.cluster, binding.service),
      clusterArn: cluster.arn,
      taskDefinition,
      desiredCount: 2,
      createdAt: CREATED,
      deployments: [
        {
          id: `ecs-svc/${String(9_000_000_000_000_000_000n + BigInt(cluster.services.size))}`,
          status: 'PRIMARY',
          rolloutState: 'COMPLETED',
          taskDefinition,
          desiredCount: 2,
          createdAt: CREATED,
          updatedAt: CREATED,
        },
      ],
      events: [],
    });
  },
  snapshot: (world) =>
    Object.fromEntries(
      [...world.clusters.values()].flatMap((cluster) =>
        [...cluster.services.values()].map((service) => [
          `ecs-service:${cluster.name}/${service.name}`,
          { taskDefinition: service.taskDefinition, desiredCount: service.desiredCount },
        ]),
      ),
    ),
  leaveOut(world, ref) {
    const [cluster, service] = splitOnce(ref);
    return world.clusters.get(cluster)?.services.delete(service) ?? false;
  },
};

/** What `cutover retire` changes: each pool's UserMigration trigger, and how each app client signs in. */
const cognitoMigrationTrigger: SandboxKind<'cognito-migration-trigger'> = {
  snapshot: (world) =>
    Object.fromEntries(
      [...world.pools.values()].map((pool) => [
        `cognito-migration-trigger:${pool.id}`,
        pool.lambdaConfig.UserMigration ?? null,
      ]),
    ),
  leaveOut(world, ref) {
    const pool = world.pools.get(ref);
    if (!pool?.lambdaConfig.UserMigration) return false;
    delete pool.lambdaConfig.UserMigration;
    return true;
  },
};

const cognitoAppClient: SandboxKind<'cognito-app-client'> = {
  snapshot: (world) =>
    Object.fromEntries(
      [...world.pools.values()].flatMap((pool) =>
        [...pool.clients.values()].map((client) => [
          `cognito-app-client:${pool.id}/${client.clientId}`,
          { explicitAuthFlows: sorted(client.explicitAuthFlows), oauth: client.oauth === true },
        ]),
      ),
    ),
  leaveOut(world, ref) {
    const [poolId = '', clientId = ''] = splitOnce(ref);
    return world.pools.get(poolId)?.clients.delete(clientId) ?? false;
  },
};

export const sandboxKinds: { [K in ResourceKind]: SandboxKind<K> } = {
  'route53-record': route53Record,
  'apigateway-policy': apigatewayPolicy,
  'apigateway-authorizer': apigatewayAuthorizer,
  'ssm-parameter': ssmParameter,
  secret,
  'lambda-environment': lambdaEnvironment,
  'ecs-service': ecsService,
  'cognito-migration-trigger': cognitoMigrationTrigger,
  'cognito-app-client': cognitoAppClient,
};

/** Seeds the old world a binding names. */
export function seedBinding(binding: Binding, seeding: Seeding): void {
  (sandboxKinds[binding.kind] as { seedBinding(b: Binding, s: Seeding): void }).seedBinding(binding, seeding);
}

/** Seeds the old world a freeze names. */
export function seedFreeze(item: Freeze, seeding: Seeding): void {
  (sandboxKinds[item.kind] as { seedFreeze(f: Freeze, s: Seeding): void }).seedFreeze(item, seeding);
}

/** A label's kind and the ref after its `<kind>:`. */
export function splitLabel(label: string): [string, string] {
  const colon = label.indexOf(':');
  return [label.slice(0, colon), label.slice(colon + 1)];
}
