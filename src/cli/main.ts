// First: the handlers a rehearsal runs read these settings as they load, and must not log to the CLI's output.
import '../local/environment.ts';
import { run } from './program.ts';

// `cutover status | head` closes the pipe early: that is the reader being done, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await run(process.argv.slice(2));
