import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * How soon `cutover --help` answers, against `node -e 0` (Node's own start) in the same run: the
 * built CLI (what `npm ci` leaves), and the TypeScript run in place (CUTOVER_FROM_SOURCE=1, as when a
 * source is newer than the build). Runs alternate, so a drift of the machine's speed hits all three.
 */
const BIN = fileURLToPath(new URL('../bin/cutover.mjs', import.meta.url));
const BUILD = fileURLToPath(new URL('../bin/build.mjs', import.meta.url));
const RUNS = 15;

function ms(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = performance.now();
  execFileSync(process.execPath, args, { env, stdio: 'ignore' });
  return performance.now() - t;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export function cliStart() {
  const node: number[] = [];
  const built: number[] = [];
  const source: number[] = [];
  // Build first: with a source newer than the build, bin/cutover.mjs would run the TypeScript, and
  // "built" would time the compiler.
  execFileSync(process.execPath, [BUILD], { stdio: 'ignore' });
  ms([BIN, '--help']); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    node.push(ms(['-e', '0']));
    built.push(ms([BIN, '--help']));
    source.push(ms([BIN, '--help'], { ...process.env, CUTOVER_FROM_SOURCE: '1' }));
  }
  const base = median(node);
  return {
    nodeMs: Math.round(base),
    builtMs: Math.round(median(built)),
    sourceMs: Math.round(median(source)),
    builtRatio: Math.round((median(built) / base) * 10) / 10,
    sourceRatio: Math.round((median(source) / base) * 10) / 10,
  };
}

export function printCliStart(f: ReturnType<typeof cliStart>): void {
  console.log(
    `CLI start, cutover --help (median of ${RUNS}): built ${f.builtMs} ms (×${f.builtRatio} node -e 0, ${f.nodeMs} ms); from the TypeScript ${f.sourceMs} ms (×${f.sourceRatio})`,
  );
}
