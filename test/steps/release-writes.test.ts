import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/logs.ts';

vi.hoisted(() => {
  // This file asserts the EMF records; the logs are captured, so none reach the runner's output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const { rehearse } = await import('../../src/local/runner.ts');
const { example } = await import('../fixtures/plans.ts');

let logs: CapturedLogs;
afterEach(() => logs.restore());

describe('releaseWrites', () => {
  it('publishes how long writes were frozen, the figure the dashboard shows for the last cutover', async () => {
    // Arrange
    logs = captureLogs();

    // Act
    const report = await rehearse({ plan: example });

    // Assert
    const frozen = logs.records().filter((r) => 'WriteFreezeSeconds' in r);
    expect(report.status).toBe('SUCCEEDED');
    expect(frozen).toHaveLength(1);
    // From the first freeze applied to its release: the report's window, less the redeploys before it.
    expect(Number(frozen[0]?.WriteFreezeSeconds)).toBeGreaterThan(0);
    expect(Number(frozen[0]?.WriteFreezeSeconds)).toBeLessThanOrEqual(report.freezeWindowSeconds ?? 0);
  });
});
