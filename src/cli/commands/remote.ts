import { type Command, InvalidArgumentError } from 'commander';
import { ARN_EXAMPLE, help, REGION } from '../help.ts';
import type { Io } from '../io.ts';
import type { StartOptions, StatusOptions } from '../remote.ts';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a number of seconds (1 or more).`);
  return n;
}

/** The commands that act on a deployed stage only: start, status, approve, reject, abort. */
export function remoteCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('start')
    .description(
      "Start the cutover on AWS: validate the plan here, refuse when a cutover of the same migration is running, then start the stage's cutover state machine with the plan as its input.",
    )
    .requiredOption('--plan <file>', 'the cutover plan (JSON), e.g. plans/prod.json')
    .requiredOption('--stage <stage>', 'the stage the stack was deployed as (serverless --stage)')
    .option('--region <region>', REGION)
    .option(
      '--take-over-lock <executionArn>',
      'take the lock over from this execution, which holds it and is no longer running (the LOCKED_OUT error names it); refused while it runs',
    )
    .option('--json', 'print the started execution as one JSON object')
    .option('--yes', 'do it without asking: for scripts (on a terminal it shows what it will do and asks)')
    .addHelpText(
      'after',
      help(
        '0 started; 2 invalid plan or usage (or no terminal to ask and no --yes); 4 AWS refused (the message says what to fix), or not confirmed; 6 a cutover of the same migration is already running.',
        'cutover start --plan plans/prod.json --stage prod --region eu-west-2',
        'cutover start --plan plans/prod.json --stage prod --take-over-lock arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-prod-cutover:tis-prod-pool-v1-to-v2-20260115T090000Z',
      ),
    )
    .action(async (options: StartOptions) =>
      done(await (await import('../remote.ts')).startCommand(options, io)),
    );
  cli
    .command('status')
    .description(
      "Where a deployed execution is: its timeline in the rehearsal's words, the current state and what comes next, progress through the runbook, the write-freeze timer, retries and caught failures, the go/no-go it waits for, and once it has ended the summary (with the rollback execution, if one ran).",
    )
    .argument(
      '[execution]',
      `an execution ARN (${ARN_EXAMPLE}), of a cutover or a rollback; without it, --stage picks the stage's running execution, else its newest`,
    )
    .option('--stage <stage>', 'without EXECUTION: the stage whose running (else newest) execution to show')
    .option('--rollback', "with --stage: the stage's rollback state machine instead of its cutover")
    .option('--region <region>', `with --stage: ${REGION}`)
    .option(
      '--watch',
      'redraw every 5 s until the execution ends; the exit code is then how it ended. Throttling, network errors and expired credentials are waited out with backoff.',
    )
    .option('--timeout <seconds>', 'with --watch: stop watching after this many seconds (exit 4)', seconds)
    .option('--json', 'print the progress as one JSON object (with --watch, one line per redraw)')
    .option('--full', 'print every changed value whole, not only what differs')
    .addHelpText(
      'after',
      help(
        '0 running or succeeded; 2 usage; 3 rolled back with everything restored (a rollback execution that restored everything: 0); 4 failed, or timed out or aborted without a finished rollback, or the status could not be read; 5 a dry-run that found problems.',
        'cutover status --stage prod --region eu-west-2 --watch',
        `cutover status ${ARN_EXAMPLE} --json`,
      ),
    )
    .action(async (execution: string | undefined, options: StatusOptions) =>
      done(await (await import('../remote.ts')).statusCommand(execution, options, io)),
    );
  cli
    .command('approve')
    .description(
      'Answer the go/no-go (the AwaitApproval state, before the write freeze) with go: the cutover goes on and freezes writes.',
    )
    .argument('<execution>', `the waiting execution's ARN (${ARN_EXAMPLE})`)
    .option('--by <name>', 'who approves, recorded in the task output (default: your user name)')
    .addHelpText(
      'after',
      help(
        '0 approved; 2 usage; 4 the execution is not waiting for approval (the message says where it is), or AWS refused.',
        `cutover approve ${ARN_EXAMPLE}`,
      ),
    )
    .action(async (execution: string, options: { by?: string }) =>
      done(await (await import('../remote.ts')).answerCommand(execution, 'approve', options, io)),
    );
  cli
    .command('reject')
    .description(
      'Answer the go/no-go with no-go (error ApprovalRejected): the cutover undoes what it prepared and ends rolled back.',
    )
    .argument('<execution>', `the waiting execution's ARN (${ARN_EXAMPLE})`)
    .option('--reason <text>', 'why; it becomes the failure cause operators read (default: No-go)')
    .option('--by <name>', 'who rejects, recorded in the cause (default: your user name)')
    .addHelpText(
      'after',
      help(
        '0 rejected; 2 usage; 4 the execution is not waiting for approval, or AWS refused.',
        `cutover reject ${ARN_EXAMPLE} --reason 'Reval team not ready'`,
      ),
    )
    .action(async (execution: string, options: { reason?: string; by?: string }) =>
      done(await (await import('../remote.ts')).answerCommand(execution, 'reject', options, io)),
    );
  cli
    .command('abort')
    .description(
      "Stop a running cutover (StopExecution). No Catch runs on a stop: the stage's EventBridge rule starts the rollback by itself, which restores what the execution changed and releases the lock. Watch it with `cutover status --rollback --stage STAGE`.",
    )
    .argument('<execution>', `the running cutover's ARN (${ARN_EXAMPLE})`)
    .option('--reason <text>', 'why; recorded as the stop cause (default: who aborted it)')
    .option('--yes', 'do it without asking: for scripts (on a terminal it shows what it will do and asks)')
    .addHelpText(
      'after',
      help(
        '0 stopped; 2 usage (or no terminal to ask and no --yes); 4 not running, a rollback (which this command never stops), AWS refused, or not confirmed.',
        `cutover abort ${ARN_EXAMPLE} --reason 'Reval errors after the switch'`,
      ),
    )
    .action(async (execution: string, options: { reason?: string; yes?: boolean }) =>
      done(await (await import('../remote.ts')).abortCommand(execution, options, io)),
    );
}
