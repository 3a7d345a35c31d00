import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/schema.ts';
import { Sandbox } from '../../src/sandbox/index.ts';
import { example } from '../fixtures/plans.ts';
import { cutover, REGION } from './aws.ts';

const PLAN = 'examples/plan.json';

describe('cutover retire in the sandbox', () => {
  it('refuses before any count, exits 5, and says nothing was changed', async () => {
    // Act
    const { code, stdout } = await cutover(['retire', '--plan', PLAN]);

    // Assert
    expect(code).toBe(5);
    expect(stdout).toContain('No sweep has counted the old pool');
    expect(stdout).toContain(`run cutover sweep --dry-run --plan ${PLAN},`);
    expect(stdout).not.toContain('--stage');
    expect(stdout).toContain('Nothing was changed.');
  });

  it('retires after a whole cutover and a sweep, lists what a person must still do, and is undone by rollback', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'retire-'));
    await cutover(['rehearse', '--plan', PLAN, '--state-dir', dir]);
    await cutover(['sweep', '--plan', PLAN, '--users', '100', '--state-dir', dir]);

    // Act
    const dry = await cutover(['retire', '--plan', PLAN, '--state-dir', dir, '--dry-run']);
    const retired = await cutover(['retire', '--plan', PLAN, '--state-dir', dir, '--json']);
    const undone = await cutover([
      'rollback',
      '--plan',
      PLAN,
      '--migration-id',
      'tis-prod-pool-v1-to-v2',
      '--state-dir',
      dir,
      '--json',
    ]);

    // Assert
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry-run: retiring the old pool of tis-prod-pool-v1-to-v2 would change:');
    expect(retired.code).toBe(0);
    const report = JSON.parse(retired.stdout);
    expect(report.status).toBe('RETIRED');
    expect(report.stillToDo.join(' ')).toContain('delete-user-pool');
    // The rollback restores the retirement with the rest, and leaves the users as the sweep left
    // them: a rollback does not undo a sweep, so they are no drift.
    expect(undone.code).toBe(0);
    const rolledBack = JSON.parse(undone.stdout);
    expect(JSON.stringify(rolledBack.restored)).toContain('cognito-migration-trigger:eu-west-2_NewPool01');
    expect(rolledBack).toMatchObject({ worldRestored: true, drift: [] });
  });

  it('says where to run it when neither --stage nor --plan is given, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover(['retire']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('Give --stage STAGE');
  });
});

describe('cutover retire --stage', () => {
  let aws: Sandbox | undefined;
  afterEach(() => aws?.uninstall());

  it("reads the stage's ledger with the operator's credentials, and names the stage in what to do", async () => {
    // Arrange: the sandbox stands in for the account, its ledger named as the stage's table.
    aws = Sandbox.fromPlan(parsePlan(example), { ledgerTable: 'cognito-cutover-prod-ledger' }).install();

    // Act
    const { code, stdout } = await cutover([
      'retire',
      '--stage',
      'prod',
      '--plan',
      PLAN,
      '--region',
      REGION,
      '--json',
    ]);

    // Assert
    expect(code).toBe(5);
    const report = JSON.parse(stdout);
    expect(report.refusals.map((r: { reason: string }) => r.reason)).toEqual(
      expect.arrayContaining(['not-counted', 'binding']),
    );
    expect(report.refusals[0].message).toContain('cutover sweep --dry-run --stage prod');
  });

  it('refuses --state-dir with --stage, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover(['retire', '--stage', 'prod', '--state-dir', '/tmp/x']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('--state-dir is for the sandbox');
  });
});
