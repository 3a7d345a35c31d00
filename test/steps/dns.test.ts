import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useClock } from '../../src/clock.ts';
import { DnsNotInSync } from '../../src/errors.ts';
import { checkDnsSync } from '../../src/steps/check-dns-sync.ts';
import { prepareDns } from '../../src/steps/prepare-dns.ts';
import { restoreTtl } from '../../src/steps/restore-ttl.ts';
import { switchDns } from '../../src/steps/switch-dns.ts';
import { context, dryRunPlan, forgetCalls, ledger, mocks, mutations, planWith } from './aws-mocks.ts';

const key = 'route53-record:Z0EXAMPLEADMIN/admin.tis.example.org./A';
const name = 'admin.tis.example.org.';
const plain = (ttl: number): ResourceRecordSet => ({
  Name: name,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: [{ Value: '192.0.2.10' }],
});
const alias: ResourceRecordSet = {
  Name: name,
  Type: 'A',
  AliasTarget: {
    DNSName: 'd111abcdef8.cloudfront.net.',
    HostedZoneId: 'Z2FDTNDATAQYW2',
    EvaluateTargetHealth: false,
  },
};
const plainState = (ttl: number) => ({ name, type: 'A', ttl, values: ['192.0.2.10'] });

function recordIs(record: ResourceRecordSet): void {
  mocks.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [record] });
}

function upserted(record: ResourceRecordSet) {
  return {
    HostedZoneId: 'Z0EXAMPLEADMIN',
    ChangeBatch: {
      Comment: 'cognito-cutover',
      Changes: [{ Action: 'UPSERT' as const, ResourceRecordSet: record }],
    },
  };
}

beforeEach(() => {
  mocks.route53
    .on(ChangeResourceRecordSetsCommand)
    .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
});

describe('prepareDns', () => {
  it('lowers a TTL above the cutover TTL, snapshot first, and drains the old TTL', async () => {
    recordIs(plain(300));

    const result = await prepareDns(context());

    expect(mutations()).toEqual(['UpdateItem', 'PutItem', 'ChangeResourceRecordSets', 'UpdateItem']);
    expect(mocks.route53).toHaveReceivedCommandExactlyOnceWith(
      ChangeResourceRecordSetsCommand,
      upserted(plain(60)),
    );
    expect(ledger.change(key)).toMatchObject({
      status: 'applied',
      before: plainState(300),
      after: plainState(60),
    });
    expect(result).toMatchObject({ lowered: true, changeIds: ['/change/C1'], drainSeconds: 300 });
  });

  it('sends nothing when run again, and still has the state machine drain the original TTL', async () => {
    recordIs(plain(300));
    await prepareDns(context());
    recordIs(plain(60));
    forgetCalls();

    const result = await prepareDns(context());

    // A retry after the function timed out: the change it made must still reach INSYNC.
    expect(mutations()).toEqual([]);
    expect(result).toMatchObject({ lowered: true, changeIds: ['/change/C1'], drainSeconds: 300 });
  });

  it('leaves an alias record alone: it has no TTL to lower', async () => {
    recordIs(alias);

    const result = await prepareDns(context());

    expect(mutations()).toEqual([]);
    expect(result).toMatchObject({ lowered: false, drainSeconds: 0, ttlSeconds: 60 });
  });

  it('leaves a TTL already at or below the cutover TTL alone', async () => {
    recordIs(plain(30));

    const result = await prepareDns(context());

    expect(mutations()).toEqual([]);
    expect(result).toMatchObject({ lowered: false, drainSeconds: 0 });
  });
});

describe('switchDns', () => {
  it('points the record at the new front end, snapshot first', async () => {
    recordIs(plain(60));

    const result = await switchDns(context());

    expect(mutations()).toEqual(['UpdateItem', 'PutItem', 'ChangeResourceRecordSets', 'UpdateItem']);
    expect(mocks.route53).toHaveReceivedCommandExactlyOnceWith(
      ChangeResourceRecordSetsCommand,
      upserted(alias),
    );
    expect(result).toMatchObject({ changed: true, changeIds: ['/change/C1'], waitSeconds: 60 });
  });

  it('keeps the record as PrepareDns found it as the snapshot rollback restores', async () => {
    recordIs(plain(60));
    ledger.seedChange({
      key,
      kind: 'route53-record',
      ref: { hostedZoneId: 'Z0EXAMPLEADMIN', recordName: 'admin.tis.example.org', recordType: 'A' },
      before: plainState(300),
      after: plainState(60),
      seq: 1,
    });

    await switchDns(context());

    expect(mutations()).toEqual(['UpdateItem', 'UpdateItem', 'ChangeResourceRecordSets', 'UpdateItem']);
    expect(ledger.change(key)).toMatchObject({ status: 'applied', seq: 1, before: plainState(300) });
  });

  it('sends nothing when run again', async () => {
    recordIs(plain(60));
    await switchDns(context());
    recordIs(alias);
    forgetCalls();

    const result = await switchDns(context());

    // A retry after the function timed out: the switch it made must still reach INSYNC.
    expect(mutations()).toEqual([]);
    expect(result).toMatchObject({ changed: false, changeIds: ['/change/C1'] });
  });

  it('in a dry-run reports the switch it would make and sends nothing', async () => {
    recordIs(plain(60));

    const result = await switchDns(context(dryRunPlan()));

    expect(mutations()).toEqual([]);
    // What differs: the values and the TTL go, the alias comes; name and type stay, so they are not shown.
    const { name: _name, type: _type, ...differs } = plainState(60);
    expect(result.change).toMatchObject({ planned: true, changed: false, before: differs });
  });
});

describe('checkDnsSync', () => {
  const since = '2025-01-01T00:00:00.000Z';
  const at = (seconds: number) => useClock(() => Date.parse(since) + seconds * 1000);
  const changeIs = (Status: 'PENDING' | 'INSYNC') =>
    mocks.route53
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status, SubmittedAt: new Date() } });

  afterEach(() => useClock(undefined));

  it('is in sync once Route 53 reports INSYNC', async () => {
    changeIs('INSYNC');
    at(30);

    expect(await checkDnsSync('eu-west-2', ['/change/C1'], since)).toEqual({
      inSync: true,
      statuses: ['INSYNC'],
    });
    expect(mocks.route53).toHaveReceivedCommandWith(GetChangeCommand, { Id: 'C1' });
  });

  it('keeps waiting while PENDING within the limit', async () => {
    changeIs('PENDING');
    at(600);

    expect(await checkDnsSync('eu-west-2', ['/change/C1'], since)).toEqual({
      inSync: false,
      statuses: ['PENDING'],
    });
  });

  it('fails with DnsNotInSync when still PENDING after the limit', async () => {
    changeIs('PENDING');
    at(601);

    await expect(checkDnsSync('eu-west-2', ['/change/C1'], since)).rejects.toBeInstanceOf(DnsNotInSync);
  });
});

describe('restoreTtl', () => {
  const valuesPlan = () =>
    planWith((p) => {
      p.dns.target = { values: ['192.0.2.10'] };
    });
  const seedLowered = () =>
    ledger.seedChange({
      key,
      kind: 'route53-record',
      ref: { hostedZoneId: 'Z0EXAMPLEADMIN', recordName: 'admin.tis.example.org', recordType: 'A' },
      before: plainState(300),
      after: plainState(60),
      seq: 2,
    });

  it('gives the record back the TTL it had before the cutover', async () => {
    recordIs(plain(60));
    seedLowered();

    const result = await restoreTtl(context(valuesPlan()));

    expect(mocks.route53).toHaveReceivedCommandExactlyOnceWith(
      ChangeResourceRecordSetsCommand,
      upserted(plain(300)),
    );
    expect(mutations()).toEqual(['UpdateItem', 'UpdateItem', 'ChangeResourceRecordSets', 'UpdateItem']);
    expect(result).toEqual({ raised: true, ttlSeconds: 300 });
  });

  it('sends nothing when run again', async () => {
    recordIs(plain(60));
    seedLowered();
    await restoreTtl(context(valuesPlan()));
    recordIs(plain(300));
    forgetCalls();

    const result = await restoreTtl(context(valuesPlan()));

    expect(mutations()).toEqual([]);
    expect(result).toEqual({ raised: false, ttlSeconds: 300 });
  });

  it('sends nothing when the record now is an alias', async () => {
    recordIs(alias);
    seedLowered();

    const result = await restoreTtl(context());

    expect(mutations()).toEqual([]);
    expect(result.raised).toBe(false);
  });

  it('sends nothing when the cutover never touched the record', async () => {
    recordIs(plain(60));

    expect(await restoreTtl(context())).toEqual({ raised: false, ttlSeconds: null });
    expect(mutations()).toEqual([]);
  });
});
