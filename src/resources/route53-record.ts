import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { AwsCallFailed } from '../errors.ts';
import type { Plan } from '../plan/schema.ts';
import {
  fqdn,
  hostedZoneId,
  type RecordRef,
  type RecordState,
  route53RecordReader,
} from './reads/route53-record.ts';
import type { Pending, Resource } from './resource.ts';

export {
  ALIAS_TTL_SECONDS,
  type AliasState,
  answerTtl,
  effectiveTtl,
  fqdn,
  hostedZoneId,
  type RecordRef,
  type RecordState,
  type RecordType,
} from './reads/route53-record.ts';

export type DnsTarget = Plan['dns']['target'];

/** The record pointed at `target`, keeping the routing policy of the record it replaces. */
export function desiredRecord(
  ref: RecordRef,
  target: DnsTarget,
  ttl: number,
  current?: RecordState | null,
): RecordState {
  const base = {
    name: fqdn(ref.recordName),
    type: ref.recordType,
    ...(current?.routing ? { routing: current.routing } : {}),
  };
  if ('values' in target) return { ...base, ttl, values: [...target.values] };
  return {
    ...base,
    alias: {
      dnsName: fqdn(target.aliasDnsName),
      hostedZoneId: hostedZoneId(target.aliasHostedZoneId),
      evaluateTargetHealth: target.evaluateTargetHealth,
    },
  };
}

function toRecordSet(state: RecordState): ResourceRecordSet {
  if (state.alias) {
    return {
      Name: state.name,
      Type: state.type,
      ...state.routing,
      AliasTarget: {
        DNSName: state.alias.dnsName,
        HostedZoneId: state.alias.hostedZoneId,
        EvaluateTargetHealth: state.alias.evaluateTargetHealth,
      },
    };
  }
  return {
    Name: state.name,
    Type: state.type,
    ...state.routing,
    TTL: state.ttl,
    ResourceRecords: (state.values ?? []).map((Value) => ({ Value })),
  };
}

export const route53Record: Resource<RecordRef, RecordState | null> = {
  ...route53RecordReader,

  async write(region, ref, to, from): Promise<Pending[]> {
    const change: Change | undefined = to
      ? { Action: 'UPSERT', ResourceRecordSet: toRecordSet(to) }
      : from
        ? { Action: 'DELETE', ResourceRecordSet: toRecordSet(from) }
        : undefined;
    if (!change) return [];
    const zoneId = hostedZoneId(ref.hostedZoneId);
    const what = `${change.Action === 'DELETE' ? 'deleting' : 'upserting'} DNS record ${fqdn(ref.recordName)} ${ref.recordType} in hosted zone ${zoneId}`;
    const out = await named(
      what,
      aws.route53(region).send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Comment: 'cognito-cutover', Changes: [change] },
        }),
      ),
    );
    const changeId = out.ChangeInfo?.Id;
    if (!changeId) throw new AwsCallFailed(`${what}: Route 53 returned no change id`);
    return [{ kind: 'dns-change', changeId }];
  },
};

/** The Route 53 changes among what a write left pending: the state machine waits for each to be INSYNC. */
export const changeIds = (pending: Pending[]) =>
  pending.flatMap((p) => (p.kind === 'dns-change' ? [p.changeId] : []));
