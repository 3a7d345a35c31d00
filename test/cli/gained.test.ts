import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutover, cutoverJson } from './run.ts';

const MIGRATION = ['--migration-id', 'tis-prod-pool-v1-to-v2'];

describe('cutover gained', () => {
  it('lists, after a rehearsed rollback, the users the new pool gained: the same the report counted', async () => {
    // Arrange: an hour of an unhealthy cutover while people used the new pool, then the rollback.
    const dir = mkdtempSync(join(tmpdir(), 'cutover-state-'));
    const rehearsed = await cutoverJson(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--unhealthy',
      '--state-dir',
      dir,
    );

    // Act
    const listed = await cutoverJson('gained', ...MIGRATION, '--state-dir', dir);
    const text = await cutover('gained', ...MIGRATION, '--state-dir', dir);

    // Assert
    expect(rehearsed.code).toBe(3);
    expect(listed.code).toBe(0);
    expect(listed.report).toEqual({ migrationId: 'tis-prod-pool-v1-to-v2', ...rehearsed.report.gained });
    expect(text.stdout).toContain(`The new pool gained ${rehearsed.report.gained.users} user(s)`);
    expect(text.stdout).toMatch(/newcomer-1@example\.org +signedUp/);
  });

  it('says where to look when neither a stage nor a rehearsal is given, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover('gained', ...MIGRATION);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('Give --stage STAGE');
  });

  it('refuses a folder no rehearsal left, naming the command that makes one', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'cutover-empty-'));

    // Act
    const { code, stderr } = await cutover('gained', ...MIGRATION, '--state-dir', dir);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(`run \`cutover rehearse --plan FILE --state-dir ${dir}\``);
  });
});
