// Read side of ../route53-record.ts, apart from its write for least privilege: Preflight only reads.

import {
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { ResourceReader } from '../resource.ts';

export type RecordType = 'A' | 'AAAA' | 'CNAME';

export interface RecordRef {
  hostedZoneId: string;
  recordName: string;
  recordType: RecordType;
  /** Which record of a set with a routing policy (weighted, failover...); none for a simple record. */
  setIdentifier?: string;
}

/**
 * A record's routing policy, as Route 53 holds it: SetIdentifier and whichever of Weight, Region,
 * GeoLocation, GeoProximityLocation, Failover, MultiValueAnswer, CidrRoutingConfig and
 * HealthCheckId it has. An UPSERT without them would rebuild the record as another one
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
  'CidrRoutingConfig',
  'HealthCheckId',
] as const satisfies readonly (keyof ResourceRecordSet)[];
export type Routing = Pick<ResourceRecordSet, (typeof ROUTING)[number]>;

export interface AliasState {
  /** Lower case, with a trailing dot, as Route 53 returns it. */
  dnsName: string;
  hostedZoneId: string;
  evaluateTargetHealth: boolean;
}

export interface RecordState {
  /** Fully qualified: lower case, with a trailing dot. */
  name: string;
  type: RecordType;
  ttl?: number;
  values?: string[];
  alias?: AliasState;
  /** Kept whole through switch and restore; absent for a simple record. */
  routing?: Routing;
}

/**
 * An alias has no TTL of its own: Route 53 answers with the target's, 60 s for CloudFront (and
 * Elastic Load Balancing), and for an alias to another record in the same zone that record's TTL
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html#rrsets-values-alias-ttl).
 */
export const ALIAS_TTL_SECONDS = 60;

/** The record the plan cuts over. */
export function recordRef(plan: Plan): RecordRef {
  return {
    hostedZoneId: plan.dns.hostedZoneId,
    recordName: plan.dns.recordName,
    recordType: plan.dns.recordType,
    ...(plan.dns.setIdentifier !== undefined ? { setIdentifier: plan.dns.setIdentifier } : {}),
  };
}

export function hostedZoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, '');
}

/** Route 53 writes characters outside [a-z0-9-_.] as `\ooo` octal escapes, `*` as `\052`. */
function decodeName(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function fqdn(name: string): string {
  const lower = decodeName(name).toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The TTL of a record with values; an alias's is its target's (`answerTtl`). */
export function effectiveTtl(state: RecordState): number {
  return state.alias ? ALIAS_TTL_SECONDS : (state.ttl ?? 0);
}

/** How long resolvers may keep the answer `state` gives: an alias to a record of its own zone answers with that record's TTL. */
export async function answerTtl(
  region: string,
  ref: RecordRef,
  state: RecordState,
  depth = 0,
): Promise<number> {
  const alias = state.alias;
  if (!alias || alias.hostedZoneId !== hostedZoneId(ref.hostedZoneId) || depth > 2)
    return effectiveTtl(state);
  const members = await listed(region, { ...ref, recordName: alias.dnsName });
  if (members.length === 0) return ALIAS_TTL_SECONDS;
  // A target that is a set answers with any of its members: resolvers may hold the longest TTL.
  const ttls = await Promise.all(
    members.map((m) => answerTtl(region, ref, toState(m, ref.recordType), depth + 1)),
  );
  return Math.max(...ttls);
}

function toState(record: ResourceRecordSet, type: RecordType): RecordState {
  const state: RecordState = { name: fqdn(record.Name ?? ''), type };
  const routing = Object.fromEntries(
    ROUTING.flatMap((field) => (record[field] === undefined ? [] : [[field, record[field]]])),
  ) as Routing;
  if (Object.keys(routing).length > 0) state.routing = routing;
  if (record.AliasTarget) {
    state.alias = {
      dnsName: fqdn(record.AliasTarget.DNSName ?? ''),
      hostedZoneId: hostedZoneId(record.AliasTarget.HostedZoneId ?? ''),
      evaluateTargetHealth: record.AliasTarget.EvaluateTargetHealth ?? false,
    };
    return state;
  }
  if (record.TTL !== undefined) state.ttl = record.TTL;
  state.values = (record.ResourceRecords ?? []).map((r) => r.Value ?? '');
  return state;
}

/** Every record of the ref's name and type: one for a simple record, each member of a set. */
async function listed(region: string, ref: RecordRef): Promise<ResourceRecordSet[]> {
  const zoneId = hostedZoneId(ref.hostedZoneId);
  const name = fqdn(ref.recordName);
  const members: ResourceRecordSet[] = [];
  let start: { name: string; type: string; identifier?: string | undefined } | undefined = {
    name,
    type: ref.recordType,
  };
  while (start) {
    const out: ListResourceRecordSetsCommandOutput = await named(
      `listing DNS record ${name} ${ref.recordType} in hosted zone ${zoneId}`,
      aws.route53(region).send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as RecordType,
          ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
          MaxItems: 100,
        }),
      ),
    );
    // Route 53 lists from the start point onwards: the records after the ref's are not its own.
    const ours = (out.ResourceRecordSets ?? []).filter(
      (r) => fqdn(r.Name ?? '') === name && r.Type === ref.recordType,
    );
    members.push(...ours);
    const more: boolean =
      out.IsTruncated === true &&
      fqdn(out.NextRecordName ?? '') === name &&
      out.NextRecordType === ref.recordType;
    start = more ? { name, type: ref.recordType, identifier: out.NextRecordIdentifier } : undefined;
  }
  return members;
}

export const route53RecordReader: ResourceReader<RecordRef, RecordState | null> = {
  kind: 'route53-record',
  key: (ref) =>
    `route53-record:${hostedZoneId(ref.hostedZoneId)}/${fqdn(ref.recordName)}/${ref.recordType}${ref.setIdentifier !== undefined ? `/${ref.setIdentifier}` : ''}`,
  label: (ref) =>
    `DNS record ${fqdn(ref.recordName)} ${ref.recordType}${ref.setIdentifier !== undefined ? ` (set identifier ${ref.setIdentifier})` : ''} in hosted zone ${hostedZoneId(ref.hostedZoneId)}`,

  async read(region, ref) {
    const members = await listed(region, ref);
    if (ref.setIdentifier !== undefined) {
      const member = members.find((m) => m.SetIdentifier === ref.setIdentifier);
      return member ? toState(member, ref.recordType) : null;
    }
    const [only] = members;
    if (!only) return null;
    if (members.length > 1 || only.SetIdentifier !== undefined) {
      const ids = members.map((m) => m.SetIdentifier ?? '(none)').join(', ');
      throw new PreflightFailed([
        `DNS record ${fqdn(ref.recordName)} ${ref.recordType} is a set of ${members.length} record(s) with a routing policy (set identifiers ${ids}): name the one to switch in dns.setIdentifier.`,
      ]);
    }
    return toState(only, ref.recordType);
  },
};
