import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import * as aws from '../aws/aws.ts';
import { currentDispatcher, named } from '../aws/clients.ts';
import { nowIso } from '../clock.ts';
import { HealthDeadlineExceeded, UnhealthyInGraceWindow } from '../errors.ts';
import type { HealthCheck, Plan } from '../plan/schema.ts';
import { signInCanary } from './checks/canary.ts';
import { canaryReadiness } from './checks/canary-ready.ts';
import { elapsedSince } from './core/polling.ts';

export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

/** The gate's memory between polls, carried in the execution state. */
export interface Gate {
  passes: number;
  polls: number;
  startedAt?: string | undefined;
}

async function httpCheck(check: Extract<HealthCheck, { kind: 'http' }>): Promise<CheckResult> {
  const label = `GET ${check.url}`;
  try {
    const response = await fetch(check.url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(check.timeoutSeconds * 1000),
      ...({ dispatcher: currentDispatcher() } as object),
    });
    await response.body?.cancel();
    return {
      check: label,
      ok: response.status === check.expectStatus,
      detail: `HTTP ${response.status}, expected ${check.expectStatus}`,
    };
  } catch (error) {
    return { check: label, ok: false, detail: `no answer: ${(error as Error).message}` };
  }
}

async function alarmCheck(region: string, check: Extract<HealthCheck, { kind: 'cloudwatch-alarm' }>) {
  const out = await named(
    `reading alarms ${check.alarmNames.join(', ')}`,
    aws.cloudWatch(region).send(new DescribeAlarmsCommand({ AlarmNames: check.alarmNames })),
  );
  const states = new Map((out.MetricAlarms ?? []).map((a) => [a.AlarmName, a.StateValue]));
  return check.alarmNames.map((name): CheckResult => {
    const state = states.get(name);
    return {
      check: `alarm ${name}`,
      ok: state !== undefined && state !== 'ALARM',
      detail: state === undefined ? 'alarm not found' : `state ${state}`,
    };
  });
}

async function runCheck(plan: Plan, check: HealthCheck): Promise<CheckResult[]> {
  switch (check.kind) {
    case 'http':
      return [await httpCheck(check)];
    case 'cloudwatch-alarm':
      return alarmCheck(plan.region, check);
    case 'cognito-sign-in':
      // Signing in migrates the canary and deleting it is a write: a dry-run only checks it is ready.
      return [plan.dryRun ? await canaryReadiness(plan, check) : await signInCanary(plan, check)];
  }
}

/** One poll: every check of the plan, at once. */
async function runChecks(plan: Plan): Promise<CheckResult[]> {
  return (await Promise.all(plan.health.checks.map((check) => runCheck(plan, check)))).flat();
}

/** The checks that failed, as an operator reads them in the error. */
const failing = (results: CheckResult[]) =>
  results
    .filter((r) => !r.ok)
    .map((r) => `${r.check}: ${r.detail}`)
    .join('; ');

/** The grace window's memory between polls, carried in the execution state. */
export interface GraceWatch {
  /** When the services were switched: the old front end stopped being served then. */
  since: string;
  /** How long the window stays open from `since`. */
  seconds: number;
  failures: number;
  polls: number;
}

/**
 * One poll while the grace window is open: the same checks as the health gate, at the window's slower
 * interval. `requiredPasses` failing polls in a row fail the cutover, so it rolls back; otherwise
 * the window stays open until `seconds` have passed since the switch.
 */
export async function watchGrace(plan: Plan, watch: GraceWatch) {
  const results = await runChecks(plan);
  const failures = results.every((r) => r.ok) ? 0 : watch.failures + 1;
  if (failures >= plan.health.requiredPasses) {
    throw new UnhealthyInGraceWindow(
      `${failures} health polls in a row failed during the grace window. Last failures: ${failing(results)}`,
    );
  }
  return {
    ...watch,
    failures,
    polls: watch.polls + 1,
    open: elapsedSince(watch.since) < watch.seconds,
    results,
  };
}

/**
 * One poll of the health gate: runs every check; the gate opens after `requiredPasses` polls in a
 * row pass, and fails the cutover (so it rolls back) once the deadline has passed without that.
 */
export async function checkHealth(plan: Plan, gate: Gate) {
  const startedAt = gate.startedAt ?? nowIso();
  const results = await runChecks(plan);
  const ok = results.every((r) => r.ok);
  const passes = ok ? gate.passes + 1 : 0;
  const healthy = passes >= plan.health.requiredPasses;
  const elapsed = elapsedSince(startedAt);
  if (!healthy && elapsed >= plan.health.deadlineSeconds) {
    throw new HealthDeadlineExceeded(
      `Not healthy ${plan.health.requiredPasses} times in a row within ${plan.health.deadlineSeconds} s. Last failures: ${failing(results) || 'none (passes did not reach the required count)'}`,
    );
  }
  return { startedAt, passes, polls: gate.polls + 1, healthy, results };
}

/**
 * A poll as its timeline line says it: pass or fail, why, and the count, e.g. `fail: alarm reval-5xx:
 * state ALARM (+3 more), 0/3 passed`. Repeated polls say the same, so a long unhealthy hour folds.
 */
export function pollOutcome(
  result: { results?: CheckResult[]; passes?: number; failures?: number },
  requiredPasses: number,
): string {
  const failed = (result.results ?? []).filter((r) => !r.ok);
  const count =
    result.failures !== undefined
      ? `${result.failures}/${requiredPasses} failed in a row`
      : `${result.passes ?? 0}/${requiredPasses} passed`;
  if (failed.length === 0) return `pass, ${count}`;
  const [first] = failed;
  const more = failed.length > 1 ? ` (+${failed.length - 1} more)` : '';
  return `fail: ${first?.check}: ${first?.detail}${more}, ${count}`;
}
