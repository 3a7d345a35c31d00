import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/local/runner.ts';
import { example } from '../fixtures/plans.ts';

// Every Task state the example passes through, as `--list-states --plan` reports them.
const clean = await rehearse({ plan: example });
const states = clean.steps.filter((s) => s.status === 'SUCCEEDED').map((s) => s.name);

describe('fault matrix: every state × {fail, timeout} ends rolled back with the world as it started', () => {
  it('covers the whole runbook', () => {
    expect(states).toEqual(
      expect.arrayContaining(['ValidatePlan', 'RestrictWrites', 'SwitchServices', 'ReleaseLock']),
    );
  });

  it.each(
    states.flatMap((state) => [[state, 'fail'] as const, [state, 'timeout'] as const]),
  )('%s:%s', async (state, kind) => {
    // Act
    const report = await rehearse({ plan: example, faults: [{ state, kind }] });

    // Assert
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.failure?.state).toBe(state);
    expect(report.drift).toEqual([]);
    expect(report.worldRestored).toBe(true);
  });

  it.each(states)('%s:throttle still succeeds', async (state) => {
    const report = await rehearse({ plan: example, faults: [{ state, kind: 'throttle' }] });

    expect(report.status).toBe('SUCCEEDED');
  });
});
