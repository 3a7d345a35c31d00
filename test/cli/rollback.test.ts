import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutoverJson } from './run.ts';

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
