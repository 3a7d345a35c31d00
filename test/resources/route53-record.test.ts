import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { changeStatus } from '../../src/resources/route53-change.ts';
import {
  desiredRecord,
  effectiveTtl,
  type RecordState,
  route53Record,
} from '../../src/resources/route53-record.ts';

const route53 = mockClient(Route53Client);
const region = 'eu-west-2';
const ref = {
  hostedZoneId: '/hostedzone/Z0EXAMPLE',
  recordName: 'Admin.Example.org',
  recordType: 'A',
} as const;

const aRecord: RecordState = { name: 'admin.example.org.', type: 'A', ttl: 300, values: ['192.0.2.10'] };
const aliasRecord: RecordState = {
  name: 'admin.example.org.',
  type: 'A',
  alias: { dnsName: 'd111.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: false },
};

beforeEach(() => {
  route53.reset();
});

describe('route53Record.read', () => {
  it('lists the records of the name and type, with the zone id stripped of /hostedzone/', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [] });

    await route53Record.read(region, ref);

    expect(route53).toHaveReceivedCommandExactlyOnceWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z0EXAMPLE',
      StartRecordName: 'admin.example.org.',
      StartRecordType: 'A',
      MaxItems: 100,
    });
  });

  it('reads every member of a weighted set, page by page, and takes the one the ref names, routing and all', async () => {
    // Arrange: the set spans two pages.
    const member = (id: string, weight: number) => ({
      Name: 'admin.example.org.',
      Type: 'A' as const,
      SetIdentifier: id,
      Weight: weight,
      HealthCheckId: `hc-${id}`,
      TTL: 60,
      ResourceRecords: [{ Value: `192.0.2.${weight}` }],
    });
    route53
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        ResourceRecordSets: [member('blue', 90)],
        IsTruncated: true,
        NextRecordName: 'admin.example.org.',
        NextRecordType: 'A',
        NextRecordIdentifier: 'green',
      })
      .resolvesOnce({ ResourceRecordSets: [member('green', 10)] });

    // Act
    const state = await route53Record.read(region, { ...ref, setIdentifier: 'green' });

    // Assert
    expect(state).toEqual({
      name: 'admin.example.org.',
      type: 'A',
      ttl: 60,
      values: ['192.0.2.10'],
      routing: { SetIdentifier: 'green', Weight: 10, HealthCheckId: 'hc-green' },
    });
    expect(route53).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, {
      StartRecordIdentifier: 'green',
    });
  });

  it('refuses a set when the ref names no member, listing the members', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'admin.example.org.',
          Type: 'A',
          SetIdentifier: 'blue',
          Weight: 1,
          TTL: 60,
          ResourceRecords: [],
        },
        {
          Name: 'admin.example.org.',
          Type: 'A',
          SetIdentifier: 'green',
          Weight: 1,
          TTL: 60,
          ResourceRecords: [],
        },
      ],
    });

    await expect(route53Record.read(region, ref)).rejects.toThrow(
      /set identifiers blue, green\): name the one to switch in dns.setIdentifier/,
    );
  });

  it('maps a plain record to its TTL and values', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: 'admin.example.org.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.10' }] },
      ],
    });

    expect(await route53Record.read(region, ref)).toEqual(aRecord);
  });

  it('maps an alias record, lower-casing its DNS name', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'admin.example.org.',
          Type: 'A',
          AliasTarget: {
            DNSName: 'D111.cloudfront.net',
            HostedZoneId: 'Z2FDTNDATAQYW2',
            EvaluateTargetHealth: false,
          },
        },
      ],
    });

    expect(await route53Record.read(region, ref)).toEqual(aliasRecord);
  });

  it('is null when Route 53 returns the next record instead of the asked-for one', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: 'api.example.org.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.11' }] },
      ],
    });

    expect(await route53Record.read(region, ref)).toBeNull();
  });

  it('is null when the name matches but the type does not', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: 'admin.example.org.', Type: 'AAAA', TTL: 300, ResourceRecords: [{ Value: '::1' }] },
      ],
    });

    expect(await route53Record.read(region, ref)).toBeNull();
  });

  it('is null when the zone has no records from that point on', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [] });

    expect(await route53Record.read(region, ref)).toBeNull();
  });

  it('matches a wildcard record, which Route 53 returns with * escaped as \\052', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: '\\052.example.org.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.example.net' }] },
      ],
    });

    const state = await route53Record.read(region, {
      ...ref,
      recordName: '*.example.org',
      recordType: 'CNAME',
    });

    expect(state).toEqual({ name: '*.example.org.', type: 'CNAME', ttl: 60, values: ['x.example.net'] });
  });
});

describe('route53Record.write', () => {
  it('upserts the new record and returns the change to wait on', async () => {
    route53.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() },
    });

    const pending = await route53Record.write(region, ref, aliasRecord, aRecord);

    expect(pending).toEqual([{ kind: 'dns-change', changeId: '/change/C1' }]);
    expect(route53).toHaveReceivedCommandExactlyOnceWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'Z0EXAMPLE',
      ChangeBatch: {
        Comment: 'cognito-cutover',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'admin.example.org.',
              Type: 'A',
              AliasTarget: {
                DNSName: 'd111.cloudfront.net.',
                HostedZoneId: 'Z2FDTNDATAQYW2',
                EvaluateTargetHealth: false,
              },
            },
          },
        ],
      },
    });
  });

  it('upserts a plain record with its TTL and values', async () => {
    route53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: '/change/C2', Status: 'PENDING', SubmittedAt: new Date() } });

    await route53Record.write(region, ref, aRecord, null);

    const [call] = route53.commandCalls(ChangeResourceRecordSetsCommand);
    expect(call?.args[0].input.ChangeBatch?.Changes).toEqual([
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: 'admin.example.org.',
          Type: 'A',
          TTL: 300,
          ResourceRecords: [{ Value: '192.0.2.10' }],
        },
      },
    ]);
  });

  it('deletes the record as it was when the target state is absent', async () => {
    route53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: '/change/C3', Status: 'PENDING', SubmittedAt: new Date() } });

    await route53Record.write(region, ref, null, aRecord);

    const [call] = route53.commandCalls(ChangeResourceRecordSetsCommand);
    expect(call?.args[0].input.ChangeBatch?.Changes).toEqual([
      {
        Action: 'DELETE',
        ResourceRecordSet: {
          Name: 'admin.example.org.',
          Type: 'A',
          TTL: 300,
          ResourceRecords: [{ Value: '192.0.2.10' }],
        },
      },
    ]);
  });

  it('sends nothing when the record neither exists nor should', async () => {
    const pending = await route53Record.write(region, ref, null, null);

    expect(pending).toEqual([]);
    expect(route53).not.toHaveReceivedAnyCommand();
  });
});

describe('route53 helpers', () => {
  it('gives an alias the 60 s CloudFront serves it with, and a plain record its own TTL', () => {
    expect(effectiveTtl(aliasRecord)).toBe(60);
    expect(effectiveTtl(aRecord)).toBe(300);
  });

  it('builds an alias target without a TTL', () => {
    const target = {
      aliasDnsName: 'D111.cloudfront.net',
      aliasHostedZoneId: 'Z2FDTNDATAQYW2',
      evaluateTargetHealth: false,
    };

    expect(desiredRecord(ref, target, 60)).toEqual(aliasRecord);
  });

  it('builds a values target with the cutover TTL', () => {
    expect(desiredRecord(ref, { values: ['192.0.2.20'] }, 60)).toEqual({
      name: 'admin.example.org.',
      type: 'A',
      ttl: 60,
      values: ['192.0.2.20'],
    });
  });

  it('names records by zone, FQDN and type in the key', () => {
    expect(route53Record.key(ref)).toBe('route53-record:Z0EXAMPLE/admin.example.org./A');
  });

  it('reads a change status with GetChange', async () => {
    route53
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });

    const status = await changeStatus(region, '/change/C1');

    expect(status).toBe('INSYNC');
    expect(route53).toHaveReceivedCommandExactlyOnceWith(GetChangeCommand, { Id: 'C1' });
  });
});
