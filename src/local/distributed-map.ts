import { StateMachine } from 'aws-local-stepfunctions';
import type { VirtualClock } from '../sandbox/sandbox.ts';
import type { AslState } from '../statemachines/definition.ts';
import { atPath } from '../statemachines/json-path.ts';
import { retryDelaySeconds, waitSeconds } from '../statemachines/timing.ts';
import { Lanes } from './lanes.ts';

type Handler = (event: unknown) => Promise<unknown>;

/**
 * For a task the engine must not time out in real time: 23 days, as long as a timer may be (Node
 * fires at once a timer past 2^31 - 1 ms).
 */
export const UNTIMED = 2_000_000;
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncIterable<infer E> ? E : never;

/**
 * A distributed Map, played by the runner: aws-local-stepfunctions runs a Map's items inline and knows
 * neither child executions nor a failure threshold. Here each item is a child execution of the item
 * processor, `MaxConcurrency` of them side by side on the virtual clock (src/local/lanes.ts), so the
 * Wait states that pace a worker take simulated time as in AWS, and the Map fails as Step Functions'
 * does when more items fail than `ToleratedFailurePercentage` allows
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html). Items come from
 * `ItemsPath` in the state's input; this product's Maps read no S3 and write none.
 */
export interface MapPlayer {
  clock: VirtualClock;
  /** The handler of a Task state of the item processor, wrapped as the rehearsal wraps every task. */
  handlerFor(stateName: string): Handler;
  /** A child's failure, retry or catch, for the rehearsal's timeline. */
  onFailure(event: Extract<EventLog, { type: 'StateFailed' | 'StateRetried' | 'StateCaught' }>): void;
}

/** An ItemSelector as Step Functions applies it: `key.$` paths into the input or `$$.Map.Item`, the rest as written. */
function select(template: unknown, input: unknown, item: { Value: unknown; Index: number }): unknown {
  if (Array.isArray(template)) return template.map((t) => select(t, input, item));
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      out[key.slice(0, -2)] = value.startsWith('$$.Map.Item.')
        ? atPath({ Value: item.Value, Index: item.Index }, value.slice('$$.Map.Item'.length))
        : atPath(input, value);
    } else out[key] = select(value, input, item);
  }
  return out;
}

const thresholdExceeded = (failed: number, total: number, tolerated: number, cause: string) =>
  Object.assign(
    new Error(
      `${failed} of ${total} item(s) failed, more than the ${tolerated}% the Map tolerates. First: ${cause}`,
    ),
    { name: 'States.ExceedToleratedFailureThreshold' },
  );

export async function playDistributedMap(
  state: AslState,
  input: unknown,
  player: MapPlayer,
): Promise<unknown[]> {
  const items = atPath(input, state.ItemsPath ?? '$');
  if (!Array.isArray(items)) throw new Error(`${state.ItemsPath} is not an array in the Map's input`);
  const given = state.ItemProcessor as { StartAt: string; States: Record<string, AslState> };
  // The engine times a Task in real time (60 s when it names none), and a child's task here also
  // waits its turn on the virtual clock inside the call: give it all the time there is.
  const processor = {
    StartAt: given.StartAt,
    States: Object.fromEntries(
      Object.entries(given.States).map(([name, s]) => [
        name,
        s.Type === 'Task' ? { ...s, TimeoutSeconds: UNTIMED } : s,
      ]),
    ),
  };
  const tolerated = Number(state.ToleratedFailurePercentage ?? 0);
  const lanes = new Lanes(player.clock);
  const results: unknown[] = new Array(items.length);
  const aborts = new Set<() => void>();
  let failed = 0;
  let stopped = false;
  let firstCause: string | undefined;
  let next = 0;

  /** A worker runs one child after another; its pending wait carries from a child's last Wait into the next child. */
  const runChild = async (index: number, lane: { pendingMs: number }) => {
    const handlers = Object.fromEntries(
      Object.entries(processor.States)
        .filter(([, s]) => s.Type === 'Task')
        .map(([name]) => {
          const handler = player.handlerFor(name);
          return [
            name,
            async (taskInput: unknown) => {
              // Let this child's events (its Wait, its retry) be counted before it goes on.
              await new Promise((resolve) => setImmediate(resolve));
              const at = player.clock.now() + lane.pendingMs;
              lane.pendingMs = 0;
              await lanes.until(at);
              if (stopped) {
                // The Map has failed while this child waited: Step Functions stopped it, and it calls nothing more.
                lanes.drop();
                throw Object.assign(new Error('The Map stopped this child execution'), {
                  name: 'States.Runtime',
                });
              }
              return handler(taskInput);
            },
          ];
        }),
    );
    const zero = (type: string) =>
      Object.fromEntries(
        Object.entries(processor.States)
          .filter(([, s]) => s.Type === type)
          .map(([name]) => [name, 0]),
      );
    const execution = new StateMachine(processor as never, { validationOptions: { noValidate: true } }).run(
      select(state.ItemSelector ?? state.Parameters ?? { 'value.$': '$$.Map.Item.Value' }, input, {
        Value: items[index],
        Index: index,
      }) as never,
      {
        overrides: {
          taskResourceLocalHandlers: handlers as never,
          waitTimeOverrides: zero('Wait'),
          retryIntervalOverrides: zero('Task'),
        },
      },
    );
    aborts.add(execution.abort);
    const watch = (async () => {
      for await (const event of execution.eventLogs) {
        if (!('state' in event)) continue;
        if (event.type === 'StateEntered' && event.state.type === 'Wait') {
          lane.pendingMs += (waitSeconds(processor.States[event.state.name], event.state.input) ?? 0) * 1000;
        } else if (event.type === 'StateRetried') {
          lane.pendingMs += retryDelaySeconds(event.retry.retrier, event.retry.attempt) * 1000;
          player.onFailure(event);
        } else if (event.type === 'StateFailed' || event.type === 'StateCaught') {
          player.onFailure(event);
        }
      }
    })();
    try {
      results[index] = await execution.result;
    } catch (error) {
      if (stopped) return;
      failed += 1;
      if (exceeded()) {
        stopped = true;
        for (const abort of aborts) if (abort !== execution.abort) abort();
      }
      firstCause ??= `${(error as { cause?: Error }).cause?.name ?? (error as Error).name}: ${(error as { cause?: Error }).cause?.message ?? (error as Error).message}`;
    } finally {
      aborts.delete(execution.abort);
      await watch.catch(() => {});
    }
  };

  const exceeded = () => failed > 0 && (failed / items.length) * 100 > tolerated;
  const worker = async () => {
    try {
      const lane = { pendingMs: 0 };
      while (next < items.length && !exceeded()) await runChild(next++, lane);
    } finally {
      lanes.end();
    }
  };
  const concurrency = Math.max(1, Math.min(Number(state.MaxConcurrency ?? 0) || 1000, items.length));
  // Every worker counts as running before any may sleep, or the first to sleep would move the clock alone.
  for (let n = 0; n < concurrency; n++) lanes.start();
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (exceeded()) {
    throw thresholdExceeded(failed, items.length, tolerated, firstCause ?? 'unknown');
  }
  return results;
}
