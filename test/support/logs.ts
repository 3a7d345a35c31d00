import { vi } from 'vitest';
import { logger } from '../../src/logger.ts';

export interface CapturedLogs {
  /** Everything written to stdout and stderr while capturing. */
  text(): string;
  /** The lines that are JSON log records (the Powertools logger writes one per line). */
  records(): Record<string, unknown>[];
  restore(): void;
}

/**
 * Turns the one logger up to DEBUG and captures what it writes, as the Lambda runtime would ship it.
 * The triggers run in this process (the Lambda Invoke server calls them), so this sees their logs.
 */
export function captureLogs(): CapturedLogs {
  const previousLevel = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    text: () => written.join(''),
    records: () =>
      written
        .join('')
        .split('\n')
        .flatMap((line) => {
          try {
            const record: unknown = JSON.parse(line);
            return typeof record === 'object' && record !== null ? [record as Record<string, unknown>] : [];
          } catch {
            return [];
          }
        }),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
      logger.setLogLevel(previousLevel);
    },
  };
}
