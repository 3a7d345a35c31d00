import { describe, expect, it } from 'vitest';
import { newSession, rehearse } from '../../src/local/runner.ts';
import { edited, example } from '../fixtures/plans.ts';

const NAME = 'admin.tis.example.org.';
const members = (session: ReturnType<typeof newSession>) =>
  [...session.sandbox.world.zones.values()].flatMap((z) => z.records).filter((r) => r.Name === NAME);

describe('a DNS record with a routing policy', () => {
  const blue = edited((p) => {
    p.dns.setIdentifier = 'blue';
  });

  it('switches the member the plan names, keeping its weight and health check, and leaves the others alone', async () => {
    // Arrange
    const session = newSession(blue, { recordRouting: 'weighted' });
    const green = members(session).find((r) => r.SetIdentifier === 'green');

    // Act
    const report = await rehearse({ plan: blue, session });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    const switched = members(session).find((r) => r.SetIdentifier === 'blue');
    expect(switched).toMatchObject({
      Weight: 90,
      HealthCheckId: 'hc-blue',
      AliasTarget: { DNSName: 'd111abcdef8.cloudfront.net.' },
    });
    expect(members(session).find((r) => r.SetIdentifier === 'green')).toEqual(green);
  });

  it('restores the member exactly, routing fields included', async () => {
    const report = await rehearse({
      plan: blue,
      world: { recordRouting: 'weighted' },
      faults: [{ state: 'CheckHealth', kind: 'fail' }],
    });

    expect(report.status).toBe('ROLLED_BACK');
    expect(report.drift).toEqual([]);
  });

  it('stops in Preflight, changing nothing, when the plan names no member of a set', async () => {
    const report = await rehearse({ plan: example, world: { recordRouting: 'weighted' } });

    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure).toMatchObject({ state: 'Preflight' });
    expect(report.failure?.cause).toContain('set identifiers blue, green');
    expect(report.failure?.cause).toContain('dns.setIdentifier');
    expect(report.mutatingCalls).toBe(0);
  });
});

describe('an alias record to a record of its own zone', () => {
  it("waits out the target's TTL after the switch, not CloudFront's 60 s", async () => {
    const report = await rehearse({ plan: example, world: { recordShape: 'alias-in-zone', recordTtl: 300 } });

    expect(report.status).toBe('SUCCEEDED');
    expect(report.timeline.find((e) => e.state === 'WaitCutoverTtl')?.outcome).toBe('waited 300 s');
  });
});
