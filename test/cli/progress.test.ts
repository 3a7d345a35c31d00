import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { bar, progressText } from '../../src/cli/progress.ts';
import type { MigrationProgress } from '../../src/steps/count-progress.ts';
import { cutover, REGION } from './aws.ts';

const PLAN = 'examples/plan.json';
const lambda = mockClient(LambdaClient);
const payload = (value: unknown) => Buffer.from(JSON.stringify(value)) as never;

beforeEach(() => {
  lambda.reset();
});

const COUNTED: MigrationProgress = {
  migrationId: 'tis-prod-pool-v1-to-v2',
  at: '2026-12-04T10:00:00.000Z',
  oldPoolUsers: 1_200_000,
  newPoolUsers: 905_000,
  moved: 900_000,
  remaining: 300_000,
  skipped: 1_000,
  percent: 75,
  signInsLastDay: 41_000,
  basis: 'census',
  census: { sweepId: 'sweep-1', dryRun: true, endedAt: '2026-12-04T06:00:00.000Z', scanned: 1_200_000 },
  next: '299000 user(s) would still be moved: announce the sweep (cutover sweep --announce --stage prod), then sweep after the cut-off.',
};

describe('cutover progress in the sandbox', () => {
  it("estimates from the pools' sizes before any count, and names the command that counts", async () => {
    // Act
    const { code, stdout } = await cutover(['progress', '--plan', PLAN]);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toContain(`${bar(0)} 0% of the old pool's users are in the new pool`);
    expect(stdout).toMatch(/old pool\s+25\s+users/);
    expect(stdout).toContain("estimated from the pools' sizes");
    // The sandbox's own command, which runs as given: not one for a stage it has none of.
    expect(stdout).toContain(`(cutover sweep --dry-run --plan ${PLAN})`);
    expect(stdout).not.toContain('--stage');
  });

  it('takes the split from the dry-run of the sweep the world --state-dir keeps', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'progress-'));
    const swept = await cutover(['sweep', '--plan', PLAN, '--users', '200', '--dry-run', '--state-dir', dir]);

    // Act
    const { code, stdout } = await cutover(['progress', '--plan', PLAN, '--state-dir', dir, '--json']);

    // Assert
    const progress = JSON.parse(stdout) as MigrationProgress;
    expect(swept.code).toBe(0);
    expect(code).toBe(0);
    expect(progress).toMatchObject({
      basis: 'census',
      oldPoolUsers: 225,
      census: { dryRun: true, scanned: 225 },
    });
    expect(progress.moved + progress.remaining).toBe(225);
    expect(progress.moved).toBeGreaterThan(0);
  });

  it('says where to run it when neither --stage nor --plan is given, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover(['progress']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('Give --stage STAGE');
  });
});

describe('the progress text', () => {
  it("ends every count in one column, the day's sign-ins too when they are the widest", () => {
    // Act
    const text = progressText({ ...COUNTED, signInsLastDay: 12_345_678 });

    // Assert
    const ends = text
      .split('\n')
      .map((line) => line.match(/^ {2}[a-z][a-z, -]+?\s+[\d,]+/)?.[0].length)
      .filter((end) => end !== undefined);
    expect(ends).toHaveLength(5);
    expect(new Set(ends).size).toBe(1);
  });
});

describe('cutover progress --stage', () => {
  it("invokes the stage's countProgress function and prints counts, percent and bar", async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(COUNTED) });

    // Act
    const { code, stdout } = await cutover(['progress', '--stage', 'prod', '--region', REGION]);

    // Assert
    expect(code).toBe(0);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe(
      'cognito-cutover-prod-countProgress',
    );
    expect(stdout).toContain(`${bar(75)} 75% of the old pool's users are in the new pool`);
    expect(stdout).toMatch(/remaining\s+300,000\s+only in the old pool, 1,000 of them never moved/);
    expect(stdout).toMatch(/sign-ins, last day\s+41,000/);
    expect(stdout).toContain('counted user by user by the dry-run of the sweep sweep-1');
    expect(stdout).toContain('Next: 299000 user(s) would still be moved');
  });

  it('prints the function’s answer as is with --json', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(COUNTED) });

    // Act
    const { code, stdout } = await cutover(['progress', '--stage', 'prod', '--region', REGION, '--json']);

    // Assert
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(COUNTED);
  });

  it('exits 4 when the function fails, saying that running it again is safe', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'AwsTransient', errorMessage: 'describing the user pool: throttled' }),
    });

    // Act
    const { code, stderr } = await cutover(['progress', '--stage', 'prod', '--region', REGION]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain('AwsTransient: describing the user pool: throttled');
    expect(stderr).toContain('run the same command again');
  });

  it('refuses sandbox flags with --stage, and exits 2', async () => {
    // Act
    const { code, stderr } = await cutover(['progress', '--stage', 'prod', '--plan', PLAN]);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('--plan and --state-dir are for the sandbox');
  });
});

describe('bar', () => {
  it.each([
    [0, 0],
    [50, 15],
    [100, 30],
    [140, 30],
  ])('fills %s%% as %s of 30 cells', (percent, filled) => {
    // Act
    const drawn = bar(percent);

    // Assert
    expect(drawn.match(/█/g)?.length ?? 0).toBe(filled);
    expect(drawn).toHaveLength(32);
  });
});
