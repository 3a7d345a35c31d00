import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutover, cutoverJson } from './run.ts';

const PLAN = ['--plan', 'examples/plan.json'];

describe('cutover rollback --state-dir', () => {
  it('restores what a stopped cutover left behind, and a second run changes nothing', async () => {
    // Arrange: a cutover timed out in its health gate, with the automatic rollback switched off.
    const dir = mkdtempSync(join(tmpdir(), 'cutover-state-'));
    const stopped = await cutoverJson(
      'rehearse',
      ...PLAN,
      '--timeout-at',
      'CheckHealth',
      '--no-auto-rollback',
      '--state-dir',
      dir,
    );

    // Act
    const first = await cutoverJson(
      'rollback',
      ...PLAN,
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--state-dir',
      dir,
    );
    const second = await cutoverJson(
      'rollback',
      ...PLAN,
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--state-dir',
      dir,
    );

    // Assert
    expect(stopped).toMatchObject({ code: 4, report: { status: 'FAILED', worldRestored: false } });
    expect(first).toMatchObject({ code: 0, report: { status: 'ROLLED_BACK', worldRestored: true } });
    expect(first.report.mutatingCalls).toBeGreaterThan(0);
    expect(second).toMatchObject({
      code: 0,
      report: { status: 'ROLLED_BACK', worldRestored: true, mutatingCalls: 0 },
    });
  });
});

describe('cutover rehearse --fail-restore', () => {
  it('exits 4 when the rollback cannot restore everything', async () => {
    const { code, report } = await cutoverJson(
      'rehearse',
      ...PLAN,
      '--fail',
      'SwitchServices',
      '--fail-restore',
      'ssm-parameter',
    );

    expect(code).toBe(4);
    expect(report.status).toBe('ROLLBACK_INCOMPLETE');
  });
});

describe('cutover plan', () => {
  it('exits 0 with no mutating call when the plan holds, and 5 when the DNS record drifted', async () => {
    const holds = await cutoverJson('plan', ...PLAN);
    const drifted = await cutoverJson('plan', ...PLAN, '--drift-dns');

    expect(holds).toMatchObject({ code: 0, report: { mutatingCalls: 0, plan: { ok: true } } });
    expect(drifted).toMatchObject({ code: 5, report: { mutatingCalls: 0, plan: { ok: false } } });
  });
});

describe('cutover rollback after a partial rollback', () => {
  it('finishes the job once the cause is fixed, and releases the lock', async () => {
    // Arrange: the automatic rollback could not restore the secret.
    const dir = mkdtempSync(join(tmpdir(), 'cutover-state-'));
    const partial = await cutoverJson(
      'rehearse',
      ...PLAN,
      '--fail',
      'CheckHealth',
      '--fail-restore',
      'secret',
      '--state-dir',
      dir,
    );

    // Act: an operator fixed the permission and rolls back the migration.
    const finished = await cutoverJson(
      'rollback',
      ...PLAN,
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--state-dir',
      dir,
    );
    const again = await cutoverJson('rehearse', ...PLAN, '--state-dir', dir);

    // Assert
    expect(partial).toMatchObject({ code: 4, report: { status: 'ROLLBACK_INCOMPLETE' } });
    expect(finished).toMatchObject({ code: 0, report: { status: 'ROLLED_BACK', worldRestored: true } });
    expect(finished.report.restored.map((r: { resource: string }) => r.resource)).toContain(
      'secret:usermanagement-cognito-prod',
    );
    expect(again.report.status).toBe('SUCCEEDED');
  });
});

describe('cutover rehearse --state-dir, on a lock its holder left behind', () => {
  it('exits 6 naming the stale lock, then takes it over only with --take-over-lock', async () => {
    // Arrange: a cutover aborted right after it took the lock, and no rollback ran.
    const dir = mkdtempSync(join(tmpdir(), 'cutover-state-'));
    await cutoverJson(
      'rehearse',
      ...PLAN,
      '--abort-at',
      'Preflight',
      '--no-auto-rollback',
      '--state-dir',
      dir,
    );
    const holder = 'arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-cutover:rehearsal';

    // Act
    const refused = await cutoverJson('rehearse', ...PLAN, '--state-dir', dir);
    const tookOver = await cutoverJson('rehearse', ...PLAN, '--take-over-lock', holder, '--state-dir', dir);

    // Assert
    expect(refused).toMatchObject({ code: 6, report: { status: 'LOCKED_OUT', mutatingCalls: 0 } });
    expect(refused.report.failure.cause).toContain(`locked by ${holder}`);
    expect(refused.report.failure.cause).toContain('which ended ABORTED');
    expect(refused.report.failure.cause).toContain(`--take-over-lock ${holder}`);
    expect(tookOver).toMatchObject({ code: 0, report: { status: 'SUCCEEDED' } });
  });
});

describe('cutover rehearse --crash', () => {
  it.each([
    ['once: the retry makes the change whole', 'SwitchDns:after', 0, 'SUCCEEDED'],
    ['on both attempts: the rollback undoes it', 'SwitchDns:after:2', 3, 'ROLLED_BACK'],
  ])('a function that dies after AWS applies its change %s', async (_case, crash, code, status) => {
    const { code: exit, report } = await cutoverJson('rehearse', ...PLAN, '--crash', crash);

    expect({ code: exit, status: report.status }).toEqual({ code, status });
    expect(report.steps).toContainEqual(expect.objectContaining({ name: 'SwitchDns', attempts: 2 }));
  });

  it('refuses a moment or count it does not know, exit 2', async () => {
    const { code, stderr } = await cutover('rehearse', ...PLAN, '--crash', 'SwitchDns:during');

    expect(code).toBe(2);
    expect(stderr).toContain('use STATE[:before|after][:1|2]');
  });
});
