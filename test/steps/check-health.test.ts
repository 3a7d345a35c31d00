import { DescribeAlarmsCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTransport } from '../../src/aws/clients.ts';
import { useClock } from '../../src/clock.ts';
import { HealthDeadlineExceeded, UnhealthyInGraceWindow } from '../../src/errors.ts';
import { checkHealth, watchGrace } from '../../src/steps/check-health.ts';
import { CANARY, canaryAnswers, mocks, mutations, planWith } from './aws-mocks.ts';

// The example plan checks https://admin.tis.example.org/health, https://reval.tis.example.org/api/health
// the alarms usermanagement-prod-5xx and reval-prod-5xx, and signs its canary in through the new
// pool; it needs 3 passes within 3600 s.
const plan = planWith();
const startedAt = '2025-01-01T00:00:00.000Z';
const at = (seconds: number) => useClock(() => Date.parse(startedAt) + seconds * 1000);

let web: MockAgent;

/** One answer from each health URL ('down': no answer at all) and the alarms' states. */
function answers({ admin = 200 as number | 'down', reval = 200, alarm = 'OK' as StateValue } = {}): void {
  const adminHealth = web.get('https://admin.tis.example.org').intercept({ path: '/health', method: 'GET' });
  if (admin === 'down') adminHealth.replyWithError(new Error('connect ECONNREFUSED'));
  else adminHealth.reply(admin, 'ok');
  web
    .get('https://reval.tis.example.org')
    .intercept({ path: '/api/health', method: 'GET' })
    .reply(reval, 'ok');
  mocks.cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      { AlarmName: 'usermanagement-prod-5xx', StateValue: alarm },
      { AlarmName: 'reval-prod-5xx', StateValue: 'OK' },
    ],
  });
}

beforeEach(() => {
  web = new MockAgent();
  web.disableNetConnect();
  // Health checks fetch through the installed transport's dispatcher; AWS calls stay with the mocks.
  useTransport({
    send: async () => {
      throw new Error('AWS calls are answered by aws-sdk-client-mock in these tests');
    },
    dispatcher: web,
  });
  at(0);
  canaryAnswers();
});

afterEach(async () => {
  useTransport(undefined);
  useClock(undefined);
  await web.close();
});

describe('checkHealth', () => {
  it('counts a poll where every check passes, and starts the clock on the first poll', async () => {
    answers();

    const gate = await checkHealth(plan, { passes: 0, polls: 0 });

    expect(gate).toMatchObject({ passes: 1, polls: 1, healthy: false, startedAt });
    expect(gate.results.map((r) => [r.check, r.ok])).toEqual([
      ['GET https://admin.tis.example.org/health', true],
      ['GET https://reval.tis.example.org/api/health', true],
      ['alarm usermanagement-prod-5xx', true],
      ['alarm reval-prod-5xx', true],
      [`sign-in through the new pool as ${CANARY.username}`, true],
    ]);
    expect(mocks.cloudWatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ['usermanagement-prod-5xx', 'reval-prod-5xx'],
    });
    // The only writes are the canary's: out of the new pool, migrated by signing in, out again.
    expect(mutations()).toEqual(['AdminDeleteUser', 'InitiateAuth', 'AdminDeleteUser']);
  });

  it('is healthy after the required passes in a row', async () => {
    answers();

    const gate = await checkHealth(plan, { passes: 2, polls: 2, startedAt });

    expect(gate).toMatchObject({ passes: 3, polls: 3, healthy: true });
  });

  it('starts counting again after an HTTP check answers the wrong status', async () => {
    answers({ reval: 503 });
    at(90);

    const gate = await checkHealth(plan, { passes: 2, polls: 2, startedAt });

    expect(gate).toMatchObject({ passes: 0, healthy: false });
    expect(gate.results).toContainEqual({
      check: 'GET https://reval.tis.example.org/api/health',
      ok: false,
      detail: 'HTTP 503, expected 200',
    });
  });

  it('starts counting again while an alarm is in ALARM', async () => {
    answers({ alarm: 'ALARM' });

    const gate = await checkHealth(plan, { passes: 2, polls: 2, startedAt });

    expect(gate.passes).toBe(0);
    expect(gate.results).toContainEqual({
      check: 'alarm usermanagement-prod-5xx',
      ok: false,
      detail: 'state ALARM',
    });
  });

  it('fails a check that gets no answer instead of failing the step', async () => {
    answers({ admin: 'down' });

    const gate = await checkHealth(plan, { passes: 1, polls: 1, startedAt });

    expect(gate.passes).toBe(0);
    expect(gate.results[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/^no answer: /) });
  });

  it('fails with HealthDeadlineExceeded, naming what fails, once the deadline has passed', async () => {
    answers({ admin: 502 });
    at(3600);

    const poll = checkHealth(plan, { passes: 0, polls: 120, startedAt });

    await expect(poll).rejects.toBeInstanceOf(HealthDeadlineExceeded);
    await expect(poll).rejects.toThrow('GET https://admin.tis.example.org/health: HTTP 502, expected 200');
  });

  it('still opens the gate on the poll that reaches the required passes at the deadline', async () => {
    answers();
    at(3600);

    const gate = await checkHealth(plan, { passes: 2, polls: 120, startedAt });

    expect(gate.healthy).toBe(true);
  });
});

describe('watchGrace', () => {
  const window = { since: startedAt, seconds: 3900, failures: 0, polls: 0 };

  it('keeps the window open until its seconds have passed since the switch, then closes it', async () => {
    // Arrange
    answers();
    answers();
    at(3600);
    const early = await watchGrace(plan, window);
    at(3900);

    // Act
    const late = await watchGrace(plan, early);

    // Assert
    expect(early).toMatchObject({ open: true, failures: 0, polls: 1 });
    expect(late).toMatchObject({ open: false, failures: 0, polls: 2 });
  });

  it('forgives a failing poll that a passing one follows', async () => {
    // Arrange
    answers({ admin: 500 });
    answers();

    // Act
    const failed = await watchGrace(plan, window);
    const passed = await watchGrace(plan, failed);

    // Assert
    expect(failed.failures).toBe(1);
    expect(passed.failures).toBe(0);
  });

  it('fails the cutover with UnhealthyInGraceWindow after requiredPasses failing polls in a row, naming the failure', async () => {
    // Arrange
    answers({ alarm: 'ALARM' });

    // Act
    const outcome = watchGrace(plan, { ...window, failures: plan.health.requiredPasses - 1 });

    // Assert
    await expect(outcome).rejects.toBeInstanceOf(UnhealthyInGraceWindow);
    await expect(outcome).rejects.toThrow('alarm usermanagement-prod-5xx: state ALARM');
  });
});
