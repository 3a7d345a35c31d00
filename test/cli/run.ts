import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = new URL('../../bin/cutover.mjs', import.meta.url).pathname;

/** Runs the real `cutover` command as an operator would, and what it printed and exited with. */
export async function cutover(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The same with `--json`, its report parsed. */
export async function cutoverJson(...args: string[]) {
  const { code, stdout } = await cutover(...args, '--json');
  return { code, report: JSON.parse(stdout) };
}

/** Writes a plan (or raw text) to a file of its own. */
export function planFile(plan: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cutover-plan-')), 'plan.json');
  writeFileSync(file, typeof plan === 'string' ? plan : JSON.stringify(plan));
  return file;
}
