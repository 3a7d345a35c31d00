import { describe, expect, it } from 'vitest';
import {
  LEDGER_TABLE,
  newSession,
  PAYLOAD_QUOTA_BYTES,
  type RehearsalReport,
  rehearse,
} from '../../src/local/runner.ts';
import { SANDBOX_SECRET_MARK, secretValue } from '../../src/sandbox/index.ts';
import { SANDBOX_PARAMETER_KEY } from '../../src/sandbox/world.ts';
import { edited, example } from '../fixtures/plans.ts';
import { captureLogs } from '../support/logs.ts';

const SECRET = 'usermanagement-cognito-prod';
const PARAMETER = '/reval/prod/cognito-user-pool-id';
const world = { secureStrings: [PARAMETER] };

/** Everything a rehearsal leaves for someone to read: states, report, notices, ledger, logs. */
interface Outputs {
  report: RehearsalReport;
  payloads: string[];
  everything: string;
}

async function rehearseAndCollect(options: Parameters<typeof rehearse>[0]): Promise<Outputs> {
  const session = newSession(options.plan, world);
  const payloads: string[] = [];
  const logs = captureLogs();
  const report = await rehearse({
    ...options,
    session,
    onPayload: (_state, payload) => payloads.push(payload),
  });
  const lines = logs.text();
  logs.restore();
  const ledger = [...(session.sandbox.world.tables.get(LEDGER_TABLE)?.items.values() ?? [])];
  const notices = session.sandbox.messages.map((m) => `${m.subject ?? ''}\n${m.message}`);
  return {
    report,
    payloads,
    everything: [JSON.stringify(report), ...payloads, ...notices, JSON.stringify(ledger), lines].join('\n'),
  };
}

describe('secret and SecureString values stay where they live', () => {
  it.each([
    ['a cutover', { plan: example }],
    [
      'a cutover that rolls back',
      { plan: example, faults: [{ state: 'CheckHealth', kind: 'fail' as const }] },
    ],
    [
      'a dry-run',
      {
        plan: edited((p) => {
          p.dryRun = true;
        }),
      },
    ],
  ])('%s leaves no value in any state, report, notice, ledger item or log line', async (_what, options) => {
    // Act
    const { everything, payloads } = await rehearseAndCollect(options);

    // Assert: the secret's database password, the canary's password and the SecureString's value.
    expect(payloads.length).toBeGreaterThan(10);
    expect(everything).not.toContain(SANDBOX_SECRET_MARK);
  });

  it("keeps the secret's other keys byte for byte through the switch, and restores the version it found", async () => {
    // Arrange
    const session = newSession(example, world);
    const secret = session.sandbox.world.secrets.get(SECRET);
    const original = secretValue(secret) ?? '';
    const [originalVersion] =
      Object.entries(secret?.versions ?? {}).find(([, v]) => v.stages.includes('AWSCURRENT')) ?? [];

    const other = newSession(example, world);

    // Act
    const switched = await rehearse({ plan: example, session: other });
    await rehearse({ plan: example, session, faults: [{ state: 'CheckHealth', kind: 'fail' }] });

    // Assert: switched, only userPoolId differs, in place.
    expect(switched.status).toBe('SUCCEEDED');
    const after = original.replace(
      '"userPoolId":"eu-west-2_OldPool01"',
      '"userPoolId":"eu-west-2_NewPool01"',
    );
    expect(after).not.toBe(original);
    expect(secretValue(other.sandbox.world.secrets.get(SECRET))).toBe(after);
    // Rolled back: the very version it found is AWSCURRENT again, its text untouched.
    expect(secretValue(session.sandbox.world.secrets.get(SECRET))).toBe(original);
    expect(secret?.versions[originalVersion ?? '']?.stages).toContain('AWSCURRENT');
    expect(session.sandbox.compare(newSession(example, world).startingWorld)).toEqual([]);
  });

  it('switches a SecureString under its own KMS key, and restores the version it found with that key', async () => {
    // Arrange
    const session = newSession(example, world);
    const parameter = () => session.sandbox.world.parameters.get(PARAMETER);
    const original = parameter()?.value;

    // Act
    const report = await rehearse({
      plan: example,
      session,
      faults: [{ state: 'CheckHealth', kind: 'fail' }],
    });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(parameter()?.history.at(-1)).toMatchObject({
      value: 'eu-west-2_NewPool01',
      keyId: SANDBOX_PARAMETER_KEY,
    });
    expect(parameter()).toMatchObject({
      value: original,
      type: 'SecureString',
      keyId: SANDBOX_PARAMETER_KEY,
    });
    expect(report.worldRestored).toBe(true);
  });
});

describe('execution state grows with what changed, not with what the resources hold', () => {
  it('40 services each bound through a 6 KB secret succeed, every state far under the 256 KiB quota', async () => {
    // Arrange
    const plan = edited((p) => {
      p.services = Array.from({ length: 40 }, (_, i) => ({
        name: `service-${i}`,
        bindings: [{ kind: 'secret', secretId: `service-${i}-cognito`, jsonKey: 'userPoolId' }],
      }));
    });
    const session = newSession(plan, { secretPaddingBytes: 6_000 });
    let largest = 0;

    // Act
    const report = await rehearse({
      plan,
      session,
      onPayload: (_state, payload) => {
        largest = Math.max(largest, Buffer.byteLength(payload, 'utf8'));
      },
    });

    // Assert
    expect(report.status).toBe('SUCCEEDED');
    expect(report.changes.filter((c) => c.resource.startsWith('secret:'))).toHaveLength(40);
    expect(largest).toBeLessThan(PAYLOAD_QUOTA_BYTES / 4);
  });
});
