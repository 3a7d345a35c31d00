import { CommanderError } from 'commander';
import { EXIT, program, UsageError } from './program.ts';

try {
  await program().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message; help and version are not errors.
    process.exitCode = error.exitCode === 0 ? EXIT.SUCCEEDED : EXIT.USAGE;
  } else {
    process.stderr.write(`cutover: ${(error as Error).message}\n`);
    process.exitCode = error instanceof UsageError ? EXIT.USAGE : EXIT.OTHER;
  }
}
