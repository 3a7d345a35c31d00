/**
 * `npm run bench`: figures to compare from run to run, as ratios within one run, never as
 * timed assertions. `--json` prints one JSON object as the last line.
 */
import { readFileSync } from 'node:fs';
import { rehearse } from '../src/local/runner.ts';

const plan = JSON.parse(readFileSync(new URL('../examples/plan.json', import.meta.url), 'utf8'));
const RUNS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measure(label: string, options: Parameters<typeof rehearse>[0]) {
  await rehearse(options); // warm: handler modules load once per process, as in a warm Lambda
  const times: number[] = [];
  let last = await rehearse(options);
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = await rehearse(options);
    times.push(performance.now() - t);
  }
  return {
    label,
    status: last.status,
    medianMs: Math.round(median(times) * 10) / 10,
    stateTransitions: last.stateTransitions,
    simulatedSeconds: last.simulatedSeconds,
    freezeWindowSeconds: last.freezeWindowSeconds,
    freezeFloorSeconds: last.freezeFloorSeconds,
  };
}

const results = [
  await measure('success', { plan }),
  await measure('rollback (SwitchServices fails)', {
    plan,
    faults: [{ state: 'SwitchServices', kind: 'fail' }],
  }),
  await measure('rollback (unhealthy, 1 h deadline)', { plan, unhealthy: true }),
  await measure('rollback (timed out at CheckHealth)', {
    plan,
    stopAt: { state: 'CheckHealth', kind: 'timeout' },
  }),
  await measure('dry-run', { plan: { ...plan, dryRun: true } }),
];
const base = results[0]?.medianMs ?? 1;

console.log(`Rehearsal of examples/plan.json, median of ${RUNS} runs`);
console.log(
  'scenario                               status        wall ms  ×success  transitions  simulated s  freeze s (floor)',
);
for (const r of results) {
  console.log(
    `${r.label.padEnd(39)}${r.status.padEnd(14)}${String(r.medianMs).padStart(7)}  ${(r.medianMs / base).toFixed(2).padStart(8)}  ${String(r.stateTransitions).padStart(11)}  ${String(r.simulatedSeconds).padStart(11)}  ${r.freezeWindowSeconds ?? '-'} (${r.freezeFloorSeconds ?? '-'})`,
  );
}

// The sandbox alone: SDK calls through the real clients and the transport, and a rehearsal's share.
const { sandboxThroughput } = await import('./sandbox.ts');
const throughput = await sandboxThroughput(plan);
console.log('');
console.log(
  `Sandbox: ${throughput.callsPerSecond} SDK calls/s (SSM put+get through the production clients); a success rehearsal makes ${throughput.rehearsalCalls} calls, ${throughput.rehearsalCallsPerSecond}/s with the state machine engine`,
);

// The sandbox's DynamoDB model against dynalite in process, on a rehearsal's ledger traffic.
const { dynamoDbReplay } = await import('./dynamodb.ts');
const dynamo = await dynamoDbReplay(plan);
console.log(
  `Sandbox DynamoDB: a rehearsal's ${dynamo.callsPerRehearsal} ledger calls take ${dynamo.modelMsPerRehearsal} ms in the sandbox's model, ${dynamo.dynaliteMsPerRehearsal} ms in dynalite in process (×${dynamo.dynaliteOverModel})`,
);

// The UserMigration and PreTokenGeneration triggers behind cognito-local (two emulators on 127.0.0.1, started and stopped here).
const { triggerLatency } = await import('./trigger-latency.ts');
const latency = await triggerLatency();
console.log('');
console.log(
  `Triggers on cognito-local, ${latency.signIns} first sign-ins (emulators up in ${latency.startupMs} ms)`,
);
console.log('measure                                 p50 ms   p99 ms');
for (const [label, p50, p99] of [
  ['trigger (time in the function)', latency.triggerP50Ms, latency.triggerP99Ms],
  ['token trigger, copying 2 groups', latency.claimsP50Ms, latency.claimsP99Ms],
  ['sign-in (InitiateAuth round trip)', latency.signInP50Ms, latency.signInP99Ms],
] as const) {
  console.log(`${label.padEnd(39)}${String(p50).padStart(7)}  ${String(p99).padStart(7)}`);
}

// How soon the CLI answers, built and from the TypeScript, against Node's own start.
const { cliStart, printCliStart } = await import('./cli-start.ts');
const start = cliStart();
console.log('');
printCliStart(start);

// Each function's deployment package as serverless-esbuild builds it, and its cold load time.
const { bundles, printBundles } = await import('./bundles.ts');
const bundleFigures = await bundles();
console.log('');
printBundles(bundleFigures);
// The sweep over 100,000 and 1,000,000 old-pool users (about seven minutes together).
const { printSweeps, sweep } = await import('./sweep.ts');
const sweeps = [sweep(100_000), sweep(1_000_000)];
console.log('');
printSweeps(sweeps);
// One JSON object on the last line, for scripts.
if (process.argv.includes('--json'))
  console.log(
    JSON.stringify({
      rehearsals: results,
      sandbox: throughput,
      dynamoDb: dynamo,
      triggerLatency: latency,
      bundles: bundleFigures,
      sweeps,
      cliStart: start,
    }),
  );
