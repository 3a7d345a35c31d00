import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The sweep over old pools of 100,000 and 1,000,000 users, each rehearsed by `cutover sweep` in a
 * process of its own, so each peak memory is that pool's alone: it should stay flat as the pool grows
 * tenfold (no function, and no part of the rehearsal, holds the pool). Simulated throughput is set
 * against the plan's quota, which it should come within 10 % of.
 */
export interface SweepFigures {
  users: number;
  status: string;
  moved: number;
  wallMs: number;
  peakRssMB: number;
  usersPerSecond: number;
  quotaPerSecond: number;
  simulatedSeconds: number;
}

const BIN = fileURLToPath(new URL('../bin/cutover.mjs', import.meta.url));
const PLAN = fileURLToPath(new URL('../examples/plan.json', import.meta.url));

export function sweep(users: number): SweepFigures {
  const out = execFileSync(
    process.execPath,
    [BIN, 'sweep', '--plan', PLAN, '--users', String(users), '--json'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  const report = JSON.parse(out) as SweepFigures;
  return {
    users: report.users,
    status: report.status,
    moved: report.moved,
    wallMs: report.wallMs,
    peakRssMB: report.peakRssMB,
    usersPerSecond: report.usersPerSecond,
    quotaPerSecond: report.quotaPerSecond,
    simulatedSeconds: report.simulatedSeconds,
  };
}

export function printSweeps(figures: SweepFigures[]): void {
  const [base] = figures;
  console.log('Sweep of examples/plan.json, one process per pool');
  console.log(
    'old-pool users  status     moved     wall s  ×wall  peak MB  ×peak  users/s  of quota  simulated h',
  );
  for (const f of figures) {
    console.log(
      `${String(f.users).padStart(14)}  ${f.status.padEnd(9)}${String(f.moved).padStart(8)}  ${(f.wallMs / 1000).toFixed(1).padStart(9)}  ${(f.wallMs / (base?.wallMs ?? 1)).toFixed(2).padStart(5)}  ${String(f.peakRssMB).padStart(7)}  ${(f.peakRssMB / (base?.peakRssMB ?? 1)).toFixed(2).padStart(5)}  ${String(f.usersPerSecond).padStart(7)}  ${`${Math.round((f.usersPerSecond / f.quotaPerSecond) * 100)} %`.padStart(8)}  ${(f.simulatedSeconds / 3600).toFixed(2).padStart(11)}`,
    );
  }
}
