/**
 * Everything a command reads from or writes to the world besides AWS, so tests can run the
 * program in process: what it prints, the environment it reads its region from, and the clock
 * and sleep that `--watch` and the dry-run's polling use.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** True when stdout is a terminal: `--watch` then redraws in place instead of appending. */
  interactive: boolean;
  /** The terminal's width, when stdout is one: long lines wrap at words to it. */
  columns?: number;
  /** Asks the person at the terminal, on stderr, and resolves to their answer; absent when stdin is no terminal. */
  ask?(question: string): Promise<string>;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    interactive: process.stdout.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
    ...(process.stdin.isTTY ? { ask } : {}),
  };
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}
