import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHostedZone,
} from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { Sandbox, type WorldOptions } from '../../src/sandbox/index.ts';
import { REGION, samplePlan } from './plan.ts';

let sandbox: Sandbox | undefined;
const start = (options: WorldOptions = {}) => {
  sandbox = Sandbox.fromPlan(samplePlan(), options).install();
  return sandbox;
};
afterEach(() => sandbox?.uninstall());

const route53 = () => aws.route53(REGION);
const upsertAlias = (dnsName: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: '/hostedzone/Z0EXAMPLE',
    ChangeBatch: {
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: 'admin.example.org',
            Type: 'A',
            AliasTarget: { DNSName: dnsName, HostedZoneId: 'Z2FDTNDATAQYW2', EvaluateTargetHealth: false },
          },
        },
      ],
    },
  });

/** The first record from admin.example.org A on, as the cutover lists it. */
const firstAdminRecord = () =>
  route53().send(
    new ListResourceRecordSetsCommand({
      HostedZoneId: 'Z0EXAMPLE',
      StartRecordName: 'admin.example.org',
      StartRecordType: 'A',
      MaxItems: 1,
    }),
  );

describe('Route 53 in the sandbox', () => {
  it('keeps a weighted set apart by SetIdentifier, and refuses a simple record beside it', async () => {
    // Arrange
    start({ recordRouting: 'weighted' });

    // Act: a plain UPSERT, as the cutover made before it knew of sets, meets the set.
    const refused = route53().send(upsertAlias('dnew.cloudfront.net'));

    // Assert
    await expect(refused).rejects.toBeInstanceOf(InvalidChangeBatch);
    await expect(refused).rejects.toThrow(/weighted sets exist with the same name and type/);
    const out = await firstAdminRecord();
    expect(out.ResourceRecordSets?.[0]).toMatchObject({
      SetIdentifier: 'blue',
      Weight: 90,
      HealthCheckId: 'hc-blue',
    });
    expect(out).toMatchObject({ IsTruncated: true, NextRecordIdentifier: 'green' });
  });

  it('starts with the record in its old state, as an alias to another distribution', async () => {
    start();

    const out = await firstAdminRecord();

    expect(out.ResourceRecordSets).toEqual([
      {
        Name: 'admin.example.org.',
        Type: 'A',
        AliasTarget: {
          DNSName: 'dold.cloudfront.net.',
          HostedZoneId: 'Z2FDTNDATAQYW2',
          EvaluateTargetHealth: false,
        },
      },
    ]);
  });

  it('holds values with the configured TTL when asked for the values shape', async () => {
    start({ recordShape: 'values', recordTtl: 3600 });

    const out = await route53().send(
      new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0EXAMPLE', StartRecordName: 'admin.example.org' }),
    );

    expect(out.ResourceRecordSets?.[0]).toEqual({
      Name: 'admin.example.org.',
      Type: 'A',
      TTL: 3600,
      ResourceRecords: [{ Value: '192.0.2.10' }],
    });
  });

  it('reports a change PENDING, then INSYNC once the propagation time has passed', async () => {
    const { clock } = start({ dnsPropagationSeconds: 20 });
    const submitted = await route53().send(upsertAlias('d111.cloudfront.net'));
    const changeId = submitted.ChangeInfo?.Id ?? '';

    clock.advance(19);
    const early = await route53().send(new GetChangeCommand({ Id: changeId }));
    clock.advance(1);
    const late = await route53().send(new GetChangeCommand({ Id: changeId }));

    expect(submitted.ChangeInfo).toMatchObject({
      Id: expect.stringMatching(/^\/change\/C/),
      Status: 'PENDING',
    });
    expect(submitted.ChangeInfo?.SubmittedAt).toEqual(new Date('2026-01-15T09:00:00Z'));
    expect(early.ChangeInfo?.Status).toBe('PENDING');
    expect(late.ChangeInfo?.Status).toBe('INSYNC');
  });

  it('lists from the next record when the asked-for one is absent, in reversed-label order', async () => {
    start({ missing: ['route53-record:Z0EXAMPLE/admin.example.org/A'] });
    await route53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'Z0EXAMPLE',
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.example.org',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.80' }],
              },
            },
          ],
        },
      }),
    );

    const out = await route53().send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: 'Z0EXAMPLE',
        StartRecordName: 'admin.example.org.',
        StartRecordType: 'A',
        MaxItems: 1,
      }),
    );

    expect(out.ResourceRecordSets?.map((r) => `${r.Name} ${r.Type}`)).toEqual(['www.example.org. A']);
    expect(out.IsTruncated).toBe(false);
  });

  it('refuses a CREATE of an existing record and a DELETE that does not match, applying none of the batch', async () => {
    start();
    const before = sandbox?.snapshot() ?? {};

    const batch = new ChangeResourceRecordSetsCommand({
      HostedZoneId: 'Z0EXAMPLE',
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'new.example.org',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'admin.example.org',
              Type: 'A',
              AliasTarget: {
                DNSName: 'd111.cloudfront.net',
                HostedZoneId: 'Z2FDTNDATAQYW2',
                EvaluateTargetHealth: false,
              },
            },
          },
          {
            Action: 'DELETE',
            ResourceRecordSet: {
              Name: 'admin.example.org',
              Type: 'A',
              AliasTarget: {
                DNSName: 'elsewhere.cloudfront.net',
                HostedZoneId: 'Z2FDTNDATAQYW2',
                EvaluateTargetHealth: false,
              },
            },
          },
        ],
      },
    });
    const error = await route53()
      .send(batch)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidChangeBatch);
    expect((error as InvalidChangeBatch).messages).toEqual([
      "Tried to create resource record set [name='admin.example.org.', type='A'] but it already exists",
      "Tried to delete resource record set [name='admin.example.org.', type='A'] but the values provided do not match the current values",
    ]);
    expect(sandbox?.compare(before)).toEqual([]);
  });

  it('refuses an alias that also carries a TTL, as Route 53 does', async () => {
    start();

    const sent = route53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'Z0EXAMPLE',
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'admin.example.org',
                Type: 'A',
                TTL: 60,
                AliasTarget: {
                  DNSName: 'd111.cloudfront.net',
                  HostedZoneId: 'Z2FDTNDATAQYW2',
                  EvaluateTargetHealth: false,
                },
              },
            },
          ],
        },
      }),
    );

    await expect(sent).rejects.toBeInstanceOf(InvalidInput);
  });

  it('accepts zone ids with or without the /hostedzone/ prefix and names unknown ones', async () => {
    start();

    const bare = await route53().send(new GetHostedZoneCommand({ Id: 'Z0EXAMPLE' }));
    const prefixed = await route53().send(new GetHostedZoneCommand({ Id: '/hostedzone/Z0EXAMPLE' }));

    expect(bare.HostedZone).toMatchObject({ Id: '/hostedzone/Z0EXAMPLE', Name: 'example.org.' });
    expect(prefixed.HostedZone?.Id).toBe('/hostedzone/Z0EXAMPLE');
    await expect(route53().send(new GetHostedZoneCommand({ Id: 'ZNOPE' }))).rejects.toBeInstanceOf(
      NoSuchHostedZone,
    );
    await expect(route53().send(new GetChangeCommand({ Id: '/change/CNOPE' }))).rejects.toBeInstanceOf(
      NoSuchChange,
    );
  });
});
