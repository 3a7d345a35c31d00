// Read side of ../route53-record.ts, apart from its write for least privilege: Preflight only reads.

import { ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import * as aws from '../../../aws/aws.ts';
import { named } from '../../../aws/clients.ts';
import type { Plan } from '../../../plan/schema.ts';
import type { ResourceReader } from '../resource.ts';

export type RecordType = 'A' | 'AAAA' | 'CNAME';

export interface RecordRef {
  hostedZoneId: string;
  recordName: string;
  recordType: RecordType;
}

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
}

/** Aliases have no TTL of their own; CloudFront serves them with 60 s. */
export const ALIAS_TTL_SECONDS = 60;

/** The record the plan cuts over. */
export function recordRef(plan: Plan): RecordRef {
  return {
    hostedZoneId: plan.dns.hostedZoneId,
    recordName: plan.dns.recordName,
    recordType: plan.dns.recordType,
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

export function effectiveTtl(state: RecordState): number {
  return state.alias ? ALIAS_TTL_SECONDS : (state.ttl ?? 0);
}

function toState(record: ResourceRecordSet, type: RecordType): RecordState {
  const state: RecordState = { name: fqdn(record.Name ?? ''), type };
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

export const route53RecordReader: ResourceReader<RecordRef, RecordState | null> = {
  kind: 'route53-record',
  key: (ref) => `route53-record:${hostedZoneId(ref.hostedZoneId)}/${fqdn(ref.recordName)}/${ref.recordType}`,
  label: (ref) =>
    `DNS record ${fqdn(ref.recordName)} ${ref.recordType} in hosted zone ${hostedZoneId(ref.hostedZoneId)}`,

  async read(region, ref) {
    const zoneId = hostedZoneId(ref.hostedZoneId);
    const name = fqdn(ref.recordName);
    const out = await named(
      `listing DNS record ${name} ${ref.recordType} in hosted zone ${zoneId}`,
      aws.route53(region).send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: name,
          StartRecordType: ref.recordType,
          MaxItems: 1,
        }),
      ),
    );
    // Route 53 lists from the start point onwards, so an absent record shows up as the next one.
    const first = out.ResourceRecordSets?.[0];
    if (!first || fqdn(first.Name ?? '') !== name || first.Type !== ref.recordType) return null;
    return toState(first, ref.recordType);
  },
};
