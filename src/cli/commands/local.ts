import { type Command, InvalidArgumentError } from 'commander';
import { isResourceKind, RESOURCE_KINDS } from '../../kinds/index.ts';
import { type Crash, FAULT_KINDS, type Fault, type FaultKind } from '../../local/faults.ts';
import { help } from '../help.ts';
import type { Io } from '../io.ts';
import type { RehearseOptions } from '../local.ts';
import { worldFlagOptions } from '../world-flags.ts';

export function restoreKind(value: string): string {
  if (!isResourceKind(value)) {
    throw new InvalidArgumentError(`"${value}" is not a resource kind: use ${RESOURCE_KINDS.join(', ')}.`);
  }
  return value;
}

function parseFault(value: string, previous: Fault[]): Fault[] {
  const [state = '', kind = 'fail'] = value.split(':');
  if (!FAULT_KINDS.includes(kind as FaultKind)) {
    throw new InvalidArgumentError(
      `"${kind}" is not a fault kind: use ${FAULT_KINDS.join(', ')} (STATE[:KIND]).`,
    );
  }
  return [...previous, { state, kind: kind as FaultKind }];
}

const MOMENTS = ['before', 'after'] as const;

function parseCrash(value: string): Crash {
  const [state = '', at = 'after', times = '1'] = value.split(':');
  if (!MOMENTS.includes(at as Crash['at']) || !['1', '2'].includes(times)) {
    throw new InvalidArgumentError(
      `"${value}": use STATE[:before|after][:1|2], e.g. SwitchServices:after (dies once, the retry makes the change whole) or SwitchServices:after:2 (dies on both attempts, the rollback undoes it).`,
    );
  }
  return { state, at: at as Crash['at'], times: Number(times) };
}

/** `cutover rehearse` and `cutover validate`, on `cli`; `done` takes the exit code. */
export function localCommands(cli: Command, io: Io, done: (code: number) => void): void {
  worldFlagOptions(
    cli
      .command('rehearse')
      .description('Rehearse a cutover plan end to end against an in-process AWS sandbox.')
      .option('--plan <file>', 'the cutover plan (JSON)')
      .option(
        '--fail <state[:kind]>',
        'make a Task state fail (kind: fail, timeout, throttle, uncatchable or function-timeout), rollback/STATE for the rollback execution; repeatable',
        parseFault,
        [],
      )
      .option('--unhealthy', 'every health check fails, so the health deadline triggers rollback')
      .option(
        '--unhealthy-in-grace',
        'the health checks pass the gate, then fail once the grace window opens: its watch rolls back, restoring the old pool as sole issuer',
      )
      .option(
        '--abort-at <state>',
        'abort the execution as it enters this Task state; the rollback then starts by itself',
      )
      .option(
        '--timeout-at <state>',
        'time the execution out as it enters this Task state; the rollback then starts by itself',
      )
      .option('--no-auto-rollback', 'with --abort-at or --timeout-at: leave the world as the stop left it')
      .option('--reject-approval', 'operators answer the go/no-go with no-go (plans with approval.required)')
      .option('--approval-timeout', 'nobody answers the go/no-go within approval.timeoutSeconds')
      .option(
        '--fail-restore <kind>',
        `AWS refuses every restore of one resource kind (${RESOURCE_KINDS.join(', ')})`,
        restoreKind,
      ),
  )
    .option(
      '--fail-trigger',
      "after Preflight, the migration function's role loses AdminInitiateAuth on the old pool: only the canary sign-in can notice",
    )
    .option(
      '--crash <state[:moment][:times]>',
      "the state's function dies at its first change, before or after (default) AWS applies it, once (default; the retry makes it whole) or on both attempts (2; the rollback undoes it)",
      parseCrash,
    )
    .option(
      '--take-over-lock <executionArn>',
      'with --state-dir: take a stale lock over from this execution, as `start --take-over-lock` does',
    )
    .option('--state-dir <dir>', 'keep the sandboxed world, ledger included, in this folder between commands')
    .option('--json', 'print one JSON report instead of the timeline')
    .option('--full', 'print every changed value whole, not only what differs')
    .option('--list-states', 'list the Task states --fail accepts (for --plan, those its run passes through)')
    .addHelpText(
      'after',
      help(
        '0 succeeded; 2 invalid plan or usage; 3 rolled back with the world restored; 6 another execution holds the lock; 4 anything else.',
        'cutover rehearse --plan examples/plan.json --fail SwitchServices',
        'cutover rehearse --plan examples/plan.json --crash RestrictWrites:after:2',
      ),
    )
    .action(async (options: RehearseOptions) =>
      done(await (await import('../local.ts')).rehearseCommand(options, io)),
    );
  cli
    .command('validate')
    .description('Check plans against the schema, naming every bad field; nothing runs.')
    .argument('<files...>', 'plan files (JSON)')
    .addHelpText(
      'after',
      help('0 every plan is valid; 2 a plan is invalid.', 'cutover validate plans/*.json'),
    )
    .action(async (files: string[]) => done((await import('../local.ts')).validateCommand(files, io)));
}
