import {
  type Change,
  type ChangeResourceRecordSetsCommandInput,
  type ChangeResourceRecordSetsCommandOutput,
  type GetChangeCommandInput,
  type GetChangeCommandOutput,
  type GetHostedZoneCommandInput,
  type GetHostedZoneCommandOutput,
  InvalidChangeBatch,
  InvalidInput,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
  NoSuchChange,
  NoSuchHostedZone,
  type ResourceRecordSet,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import { type Env, fail, nextId, notModeled, type Out, type ServiceModel } from '../core.ts';
import type { HostedZone, World } from '../world.ts';

/** Route 53's canonical form: lower case, `\ddd` escapes undone, a trailing dot. */
export function dnsName(name: string): string {
  const plain = name.replace(/\\(\d{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
  return `${plain.toLowerCase().replace(/\.$/, '')}.`;
}

/** Route 53 answers with every character outside a-z, 0-9, '-', '_' and '.' as an octal escape. */
const escaped = (name: string) =>
  name.replace(/[^a-z0-9\-_.]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

/** The zone a record most plausibly lives in: its parent, unless that would be a TLD. */
export function zoneApex(name: string, type: string): string {
  const labels = name.replace(/\.$/, '').split('.');
  return labels.length > 2 || (type === 'CNAME' && labels.length > 1)
    ? `${labels.slice(1).join('.')}.`
    : name;
}

const bareId = (id: string | undefined) => (id ?? '').replace(/^\/(hostedzone|change)\//, '');

function zoneOf(world: World, id: string | undefined): HostedZone {
  const zone = world.zones.get(bareId(id));
  return zone ?? fail(NoSuchHostedZone, `No hosted zone found with ID: ${bareId(id)}`);
}

/**
 * Route 53 lists records by name with the labels reversed (com.example.www), then by type. The
 * separators sort below any name character, the type's below the labels', so a parent comes first.
 */
const sortKey = (name: string, type: string) =>
  `${name.replace(/\.$/, '').split('.').reverse().join('\u0001')}\u0000${type}`;
const byRoute53Order = (a: ResourceRecordSet, b: ResourceRecordSet) => {
  const x = `${sortKey(a.Name ?? '', a.Type ?? '')}\u0000${a.SetIdentifier ?? ''}`;
  const y = `${sortKey(b.Name ?? '', b.Type ?? '')}\u0000${b.SetIdentifier ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The fields of a record with a routing policy (weighted, latency, failover, geolocation,
 * geoproximity, multivalue answer, IP-based): records of one name and type are told apart by
 * SetIdentifier, and each keeps its own routing fields
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html).
 */
const ROUTING = [
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'GeoProximityLocation',
  'Failover',
  'MultiValueAnswer',
  'HealthCheckId',
  'CidrRoutingConfig',
] as const;

function routingOf(set: ResourceRecordSet): Partial<ResourceRecordSet> {
  return Object.fromEntries(
    ROUTING.flatMap((field) => (set[field] === undefined ? [] : [[field, structuredClone(set[field])]])),
  );
}

function outgoing(record: ResourceRecordSet): ResourceRecordSet {
  return {
    ...record,
    Name: escaped(record.Name ?? ''),
    ...(record.AliasTarget ? { AliasTarget: { ...record.AliasTarget } } : {}),
  };
}

/** The record as Route 53 stores it, or InvalidInput for a shape it refuses outright. */
function incoming(change: Change) {
  const set = change.ResourceRecordSet;
  if (!set?.Name || !set.Type)
    return fail(InvalidInput, 'Invalid request: a ResourceRecordSet needs Name and Type');
  if (set.TrafficPolicyInstanceId) throw notModeled('Route 53 traffic policies');
  const where = `in Change with [Action=${change.Action}, Name=${set.Name}, Type=${set.Type}, SetIdentifier=${set.SetIdentifier ?? 'null'}]`;
  const policies = ROUTING.filter(
    (f) => f !== 'SetIdentifier' && f !== 'HealthCheckId' && set[f] !== undefined,
  );
  if (policies.length > 0 && !set.SetIdentifier) {
    fail(InvalidInput, `Invalid request: Missing field 'SetIdentifier' ${where}`);
  }
  if (set.SetIdentifier && policies.length === 0) {
    fail(
      InvalidInput,
      `Invalid request: A SetIdentifier needs a routing policy (Weight, Region, Failover...) ${where}`,
    );
  }
  const hasValues = set.TTL !== undefined || set.ResourceRecords !== undefined;
  if (set.AliasTarget && hasValues) {
    fail(
      InvalidInput,
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one ${where}`,
    );
  }
  if (!set.AliasTarget && (set.TTL === undefined || !set.ResourceRecords?.length)) {
    fail(
      InvalidInput,
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none ${where}`,
    );
  }
  const alias = set.AliasTarget;
  if (
    alias &&
    (alias.DNSName === undefined ||
      alias.HostedZoneId === undefined ||
      alias.EvaluateTargetHealth === undefined)
  ) {
    fail(
      InvalidInput,
      `Invalid request: AliasTarget needs DNSName, HostedZoneId and EvaluateTargetHealth ${where}`,
    );
  }
  const record: ResourceRecordSet = alias
    ? {
        Name: dnsName(set.Name),
        Type: set.Type,
        ...routingOf(set),
        AliasTarget: {
          HostedZoneId: bareId(alias.HostedZoneId),
          DNSName: dnsName(alias.DNSName ?? ''),
          EvaluateTargetHealth: alias.EvaluateTargetHealth ?? false,
        },
      }
    : {
        Name: dnsName(set.Name),
        Type: set.Type,
        ...routingOf(set),
        TTL: set.TTL ?? 0,
        ResourceRecords: (set.ResourceRecords ?? []).map((r) => ({ Value: r.Value ?? '' })),
      };
  return record;
}

function sameRecord(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  const values = (r: ResourceRecordSet) =>
    JSON.stringify((r.ResourceRecords ?? []).map((v) => v.Value).sort());
  return (
    a.TTL === b.TTL &&
    values(a) === values(b) &&
    JSON.stringify(a.AliasTarget ?? null) === JSON.stringify(b.AliasTarget ?? null) &&
    JSON.stringify(routingOf(a)) === JSON.stringify(routingOf(b))
  );
}

function GetHostedZone(input: GetHostedZoneCommandInput, { world }: Env): Out<GetHostedZoneCommandOutput> {
  const zone = zoneOf(world, input.Id);
  const ns = zone.records.find((r) => r.Type === 'NS' && r.Name === zone.name);
  return {
    HostedZone: {
      Id: `/hostedzone/${zone.id}`,
      Name: escaped(zone.name),
      CallerReference: `sandbox-${zone.id}`,
      Config: { PrivateZone: false },
      ResourceRecordSetCount: zone.records.length,
    },
    DelegationSet: {
      NameServers: (ns?.ResourceRecords ?? []).map((r) => (r.Value ?? '').replace(/\.$/, '')),
    },
  };
}

function ListResourceRecordSets(
  input: ListResourceRecordSetsCommandInput,
  { world }: Env,
): Out<ListResourceRecordSetsCommandOutput> {
  const zone = zoneOf(world, input.HostedZoneId);
  if (input.StartRecordType && !input.StartRecordName) {
    fail(InvalidInput, 'Invalid request: StartRecordType requires StartRecordName');
  }
  const max = Math.min(Number(input.MaxItems ?? 300) || 300, 300);
  const from = input.StartRecordName
    ? `${sortKey(dnsName(input.StartRecordName), input.StartRecordType ?? '')}${input.StartRecordIdentifier ? `\u0000${input.StartRecordIdentifier}` : ''}`
    : '';
  const rest = zone.records.filter(
    (r) => `${sortKey(r.Name ?? '', r.Type ?? '')}\u0000${r.SetIdentifier ?? ''}` >= from,
  );
  const page = rest.slice(0, max);
  const next = rest[max];
  return {
    ResourceRecordSets: page.map(outgoing),
    IsTruncated: next !== undefined,
    MaxItems: max,
    ...(next
      ? {
          NextRecordName: escaped(next.Name ?? ''),
          NextRecordType: next.Type,
          ...(next.SetIdentifier ? { NextRecordIdentifier: next.SetIdentifier } : {}),
        }
      : {}),
  };
}

function ChangeResourceRecordSets(
  input: ChangeResourceRecordSetsCommandInput,
  { world, now }: Env,
): Out<ChangeResourceRecordSetsCommandOutput> {
  const zone = zoneOf(world, input.HostedZoneId);
  const changes = input.ChangeBatch?.Changes ?? [];
  if (changes.length === 0) fail(InvalidInput, 'Invalid request: the ChangeBatch has no Changes');
  // A batch is all or nothing, so it is applied to a copy first.
  const records = [...zone.records];
  const problems: string[] = [];
  for (const change of changes) {
    const record = incoming(change);
    const name = record.Name ?? '';
    const what = `resource record set [name='${escaped(name)}', type='${record.Type}']`;
    if (name !== zone.name && !name.endsWith(`.${zone.name}`)) {
      problems.push(`RRSet with DNS name ${escaped(name)} is not permitted in zone ${escaped(zone.name)}`);
      continue;
    }
    const at = records.findIndex(
      (r) => r.Name === name && r.Type === record.Type && r.SetIdentifier === record.SetIdentifier,
    );
    const current = records[at];
    // Records of one name and type either all route by a policy, each with a SetIdentifier, or are one record.
    const mixed = records.some(
      (r) =>
        r.Name === name &&
        r.Type === record.Type &&
        Boolean(r.SetIdentifier) !== Boolean(record.SetIdentifier),
    );
    if (change.Action !== 'DELETE' && mixed) {
      problems.push(
        `RRSet with DNS name ${escaped(name)}, type ${record.Type}${record.SetIdentifier ? `, SetIdentifier ${record.SetIdentifier}` : ''} cannot be created as ${record.SetIdentifier ? 'a non-weighted set exists' : 'weighted sets exist'} with the same name and type.`,
      );
      continue;
    }
    if (change.Action === 'DELETE') {
      if (!current) problems.push(`Tried to delete ${what} but it was not found`);
      else if (!sameRecord(current, record)) {
        problems.push(`Tried to delete ${what} but the values provided do not match the current values`);
      } else records.splice(at, 1);
      continue;
    }
    if (change.Action !== 'CREATE' && change.Action !== 'UPSERT') {
      fail(InvalidInput, `Invalid request: unknown Action ${change.Action}`);
    }
    if (change.Action === 'CREATE' && current) {
      problems.push(`Tried to create ${what} but it already exists`);
      continue;
    }
    const clash = records.some(
      (r) => r.Name === name && r.Type !== record.Type && (r.Type === 'CNAME' || record.Type === 'CNAME'),
    );
    if (clash) {
      problems.push(
        `RRSet of type CNAME with DNS name ${escaped(name)} is not permitted as it conflicts with other records with the same DNS name in zone ${escaped(zone.name)}`,
      );
      continue;
    }
    if (current) records[at] = record;
    else records.push(record);
  }
  if (problems.length > 0) fail(InvalidChangeBatch, `[${problems.join(', ')}]`, { messages: problems });
  zone.records = records.sort(byRoute53Order);
  const id = `C${String(nextId(world)).padStart(12, '0')}`;
  const comment = input.ChangeBatch?.Comment;
  world.dnsChanges.set(id, { id, submittedAt: now, status: 'PENDING', ...(comment ? { comment } : {}) });
  return { ChangeInfo: changeInfo(world, id) };
}

function changeInfo(world: World, id: string) {
  const change =
    world.dnsChanges.get(id) ??
    fail(NoSuchChange, `A change with the specified change ID does not exist: ${id}`);
  return {
    Id: `/change/${change.id}`,
    Status: change.status,
    SubmittedAt: new Date(change.submittedAt),
    ...(change.comment ? { Comment: change.comment } : {}),
  };
}

function GetChange(input: GetChangeCommandInput, { world }: Env): Out<GetChangeCommandOutput> {
  return { ChangeInfo: changeInfo(world, bareId(input.Id)) };
}

export const route53: ServiceModel = {
  exception: Route53ServiceException,
  commands: { GetHostedZone, ListResourceRecordSets, ChangeResourceRecordSets, GetChange },
  settle(world, now) {
    for (const change of world.dnsChanges.values()) {
      if (change.status === 'PENDING' && now >= change.submittedAt + world.dnsPropagationSeconds * 1000) {
        change.status = 'INSYNC';
      }
    }
  },
};

/** Seeded records are stored in the same order the API keeps them in. */
export const sortRecords = (records: ResourceRecordSet[]) => records.sort(byRoute53Order);
