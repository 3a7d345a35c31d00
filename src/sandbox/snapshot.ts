import { isDeepStrictEqual } from 'node:util';
import { digest } from '../redact.ts';
import { currentVersion, type World } from './world.ts';

/** The restorable state of the world by resource label; an absent resource has no entry. */
export type Snapshot = Record<string, unknown>;

export interface Difference {
  resource: string;
  /** `null` when the resource did not exist. */
  expected: unknown;
  actual: unknown;
}

// Route 53 values and authorizer providers are sets: a restore may bring them back in another order.
const sorted = (values: string[]) => [...values].sort();

export function takeSnapshot(world: World): Snapshot {
  const snapshot: Snapshot = {};
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
  for (const api of world.restApis.values()) {
    snapshot[`apigateway-policy:${api.id}`] = api.policy ?? null;
    for (const authorizer of api.authorizers.values()) {
      snapshot[`apigateway-authorizer:${api.id}/${authorizer.id}`] = sorted(authorizer.providerARNs);
    }
  }
  // A SecureString as a digest, with its key: restored under another key is not restored.
  for (const p of world.parameters.values()) {
    snapshot[`ssm-parameter:${p.name}`] =
      p.type === 'SecureString'
        ? { value: digest(p.value), type: p.type, keyId: p.keyId }
        : { value: p.value, type: p.type };
  }
  // A digest of the whole text, byte for byte: the drift a report shows must not carry the value.
  for (const s of world.secrets.values()) snapshot[`secret:${s.name}`] = digest(currentVersion(s).value);
  for (const fn of world.functions.values()) {
    snapshot[`lambda-environment:${fn.name}`] = { ...fn.variables };
    // Which version each alias serves. A version the cutover published stays (versions are immutable).
    for (const alias of fn.aliases.values())
      snapshot[`lambda-alias:${fn.name}/${alias.name}`] = alias.version;
  }
  // Users are part of the world a rollback must leave as it was: a canary left behind is drift.
  for (const pool of world.pools.values()) {
    for (const user of pool.users.values()) {
      snapshot[`cognito-user:${pool.id}/${user.username}`] = {
        status: user.status,
        enabled: user.enabled,
        attributes: { ...user.attributes },
      };
    }
  }
  for (const cluster of world.clusters.values()) {
    for (const service of cluster.services.values()) {
      snapshot[`ecs-service:${cluster.name}/${service.name}`] = {
        taskDefinition: service.taskDefinition,
        desiredCount: service.desiredCount,
      };
    }
  }
  return structuredClone(snapshot);
}

export function compareSnapshot(expected: Snapshot, world: World): Difference[] {
  const actual = takeSnapshot(world);
  const labels = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return labels.flatMap((resource) => {
    const [e, a] = [expected[resource] ?? null, actual[resource] ?? null];
    return isDeepStrictEqual(e, a) ? [] : [{ resource, expected: e, actual: a }];
  });
}
