import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/logs.ts';

vi.hoisted(() => {
  // This file asserts the EMF records; the logs are captured, so none reach the runner's output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const aws = await import('../../src/aws/aws.ts');
const { recordSweep } = await import('../../src/ledger/swept.ts');
const { parsePlan } = await import('../../src/plan/schema.ts');
const { Sandbox } = await import('../../src/sandbox/index.ts');
const { countProgress } = await import('../../src/steps/count-progress.ts');
const { example } = await import('../fixtures/plans.ts');

const plan = parsePlan(example);
const TABLE = 'progress-ledger';
const ledger = { table: TABLE, region: plan.region, migrationId: plan.migrationId };
const source = {
  migrationId: plan.migrationId,
  where: '--stage prod',
  region: plan.region,
  oldUserPoolId: plan.oldPool.userPoolId,
  newUserPoolId: plan.newPool.userPoolId,
  appClientId: plan.newPool.appClientId,
};
const HOUR = 3600;

let sandbox: InstanceType<typeof Sandbox>;
let logs: CapturedLogs | undefined;
afterEach(() => {
  sandbox.uninstall();
  logs?.restore();
  logs = undefined;
});

const sweep = (overrides: Partial<Parameters<typeof recordSweep>[1]> = {}) => ({
  sweepId: 'sweep-1',
  dryRun: true,
  status: 'SUCCEEDED' as const,
  scanned: 25,
  moved: 20,
  alreadyInNewPool: 3,
  failed: 0,
  skipped: 2,
  throttled: 0,
  startedAt: new Date(sandbox.clock.now() - HOUR * 1000).toISOString(),
  endedAt: new Date(sandbox.clock.now()).toISOString(),
  ...overrides,
});

const signIn = (username: string, password: string) =>
  aws.cognito(plan.region).send(
    new InitiateAuthCommand({
      ClientId: plan.newPool.appClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );

describe('countProgress', () => {
  it("estimates the split from the pools' sizes until a sweep has counted, and says how to count", async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan, { ledgerTable: TABLE }).install();

    // Act
    const progress = await countProgress(source, ledger);

    // Assert
    expect(progress).toMatchObject({
      oldPoolUsers: 25,
      newPoolUsers: 0,
      moved: 0,
      remaining: 25,
      percent: 0,
      basis: 'estimate',
      census: null,
    });
    expect(progress.next).toContain('cutover sweep --dry-run --stage prod');
  });

  it('takes the split from the last sweep that ran to its end, not from one that stopped', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan, { ledgerTable: TABLE }).install();
    await recordSweep(ledger, sweep());
    sandbox.clock.advance(HOUR);
    await recordSweep(
      ledger,
      sweep({ sweepId: 'sweep-2', status: 'STOPPED', dryRun: false, moved: 1, scanned: 4 }),
    );

    // Act
    const progress = await countProgress(source, ledger);

    // Assert: the dry-run would move 20 and skip 2 (disabled): 22 remain, of 25.
    expect(progress).toMatchObject({
      moved: 3,
      remaining: 22,
      skipped: 2,
      percent: 12,
      basis: 'census',
      census: { sweepId: 'sweep-1', dryRun: true, scanned: 25 },
    });
    expect(progress.next).toContain('20 user(s) would still be moved');
  });

  it('counts a sweep that moved users as moved, and sends operators to retire once only the skipped remain', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan, { ledgerTable: TABLE }).install();
    await recordSweep(ledger, sweep({ dryRun: false }));

    // Act
    const progress = await countProgress(source, ledger);

    // Assert
    expect(progress).toMatchObject({ moved: 23, remaining: 2, skipped: 2, percent: 92 });
    expect(progress.next).toContain('cutover retire --dry-run --stage prod');
  });

  it('asks for a new count when the last one is over a week old', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan, { ledgerTable: TABLE }).install();
    await recordSweep(ledger, sweep());
    sandbox.clock.advance(8 * 24 * HOUR);

    // Act
    const progress = await countProgress(source, ledger);

    // Assert
    expect(progress.next).toMatch(/^The last count is from .*count again with cutover sweep --dry-run/);
  });

  it("counts the new pool's sign-ins of the last 24 hours, as Cognito publishes them", async () => {
    // Arrange: a user signs in (and so migrates), then two days later twice more.
    sandbox = Sandbox.fromPlan(plan, { ledgerTable: TABLE }).install();
    await signIn('person-01@example.org', 'Sandbox-Secret-Value-person-1');
    sandbox.clock.advance(48 * HOUR);
    await signIn('person-01@example.org', 'Sandbox-Secret-Value-person-1');
    await signIn('person-01@example.org', 'Sandbox-Secret-Value-person-1');
    sandbox.clock.advance(60);

    // Act
    const progress = await countProgress(source, ledger);

    // Assert
    expect(progress.signInsLastDay).toBe(2);
    expect(progress).toMatchObject({ newPoolUsers: 1, moved: 1, remaining: 24, percent: 4 });
  });

  it('publishes the counts the dashboard draws as metrics', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan, { ledgerTable: TABLE }).install();
    await recordSweep(ledger, sweep());
    logs = captureLogs();

    // Act
    await countProgress(source, ledger);

    // Assert
    const record = logs.records().find((r) => 'UsersRemaining' in r);
    expect(record).toMatchObject({
      OldPoolUsers: 25,
      NewPoolUsers: 0,
      UsersRemaining: 22,
      MigratedPercent: 12,
    });
  });
});
