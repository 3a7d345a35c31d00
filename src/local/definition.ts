import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root: serverless.yml, statemachines/ and handlers/ are read from here. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// biome-ignore lint/suspicious/noExplicitAny: ASL states are heterogeneous JSON.
export type AslState = Record<string, any> & { Type: string };
export interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

export interface LoadedMachine {
  /** The definition with each `Fn::GetAtt` Lambda reference replaced by a function ARN. */
  definition: Asl;
  /** Task state → the function (as named in serverless.yml) it invokes. */
  functionOf: Record<string, string>;
  /** Task states that invoke their function with a task token and wait for the callback. */
  callbacks: Set<string>;
  /** Function → handler module path and export, and its own timeout, from serverless.yml. */
  handlers: Record<string, { module: string; exportName: string; timeoutSeconds: number }>;
}

interface ServerlessFile {
  provider: { timeout?: number };
  functions: Record<string, { handler: string; timeout?: number }>;
  stepFunctions: { stateMachines: Record<string, { definition: unknown }> };
}

function readYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as T;
}

/** Reads the same serverless.yml and ASL file that are deployed, so a rehearsal runs what ships. */
export function loadMachine(name: string, root = ROOT): LoadedMachine {
  const service = readYaml<ServerlessFile>(join(root, 'serverless.yml'));
  const reference = service.stepFunctions.stateMachines[name]?.definition;
  const file = typeof reference === 'string' ? /^\$\{file\((.+)\)\}$/.exec(reference)?.[1] : undefined;
  if (!file) throw new Error(`serverless.yml: stateMachines.${name}.definition must be \${file(...)}`);
  const asl = readYaml<Asl>(join(root, file));
  const functionOf: Record<string, string> = {};
  const callbacks = new Set<string>();
  for (const [stateName, state] of Object.entries(asl.States)) {
    if (state.Type !== 'Task') continue;
    if (state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') callbacks.add(stateName);
    const getAtt = callbacks.has(stateName)
      ? state.Parameters?.FunctionName?.['Fn::GetAtt']
      : state.Resource?.['Fn::GetAtt'];
    if (!Array.isArray(getAtt)) continue;
    const fn = String(getAtt[0]);
    if (!service.functions[fn])
      throw new Error(`${file}: state ${stateName} invokes ${fn}, which serverless.yml does not define`);
    functionOf[stateName] = fn;
    const arn = `arn:aws:lambda:eu-west-2:123456789012:function:cognito-cutover-${fn}`;
    if (callbacks.has(stateName)) {
      state.Parameters.FunctionName = arn;
      // The runner answers callbacks itself, --approval-timeout included; the local engine would
      // read this path from the task's Parameters rather than from the state's input.
      delete state.TimeoutSecondsPath;
    } else {
      state.Resource = arn;
    }
  }
  const handlers = Object.fromEntries(
    Object.entries(service.functions).map(([fn, { handler, timeout }]) => {
      const dot = handler.lastIndexOf('.');
      return [
        fn,
        {
          module: join(root, `${handler.slice(0, dot)}.ts`),
          exportName: handler.slice(dot + 1),
          // Lambda's own default is 3 s; serverless.yml sets the provider's.
          timeoutSeconds: timeout ?? service.provider.timeout ?? 3,
        },
      ];
    }),
  );
  return { definition: asl, functionOf, callbacks, handlers };
}

/**
 * Where a state goes next when nothing fails (Catch targets excluded), for a cutover (`dryRun`
 * false) or a dry-run: a Choice on `$.plan.dryRun` sends each down its own branch.
 */
function successors(state: AslState, dryRun: boolean): string[] {
  const choices = (state.Choices ?? []) as { Variable?: string; Next: string }[];
  const onDryRun = choices.filter((c) => c.Variable === '$.plan.dryRun');
  if (onDryRun.length > 0) return dryRun ? onDryRun.map((c) => c.Next) : [state.Default];
  const next = [...choices.map((c) => c.Next), state.Default, state.Next];
  return next.filter((n): n is string => typeof n === 'string');
}

/** States reachable from StartAt without taking a Catch: the runbook's forward path, in definition order. */
export function forwardPath(asl: Asl, dryRun = false): string[] {
  const reachable = new Set<string>();
  const visit = (name: string) => {
    if (reachable.has(name)) return;
    reachable.add(name);
    const state = asl.States[name];
    if (state) for (const next of successors(state, dryRun)) visit(next);
  };
  visit(asl.StartAt);
  return Object.keys(asl.States).filter((name) => reachable.has(name));
}

/** The keys of a reference path such as `$.dnsSwitch.waitSeconds` (this ASL uses no other kind). */
const pathKeys = (path: string) =>
  path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);

/** The value at a reference path, or undefined. */
export function atPath(input: unknown, path: string): unknown {
  return pathKeys(path).reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
    input,
  );
}

/**
 * A state's output as its ResultPath makes it from its input and its result: `$` (or none) is the
 * result, null is the input, a path puts the result there in a copy of the input.
 */
export function withResult(input: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return input;
  const put = (node: unknown, [key, ...rest]: string[]): unknown => {
    if (key === undefined) return result;
    // A shallow copy along the path only: the rest of the input is shared, not cloned.
    const object = typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
    return { ...object, [key]: put(object[key], rest) };
  };
  return put(input, pathKeys(resultPath ?? '$'));
}

/** The seconds a Wait state waits, from its `Seconds` or its `SecondsPath` into the state's input; null when not known. */
export function waitSeconds(state: AslState | undefined, input: unknown): number | null {
  if (state?.Type !== 'Wait') return null;
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (typeof state.SecondsPath !== 'string') return null;
  const value = atPath(input, state.SecondsPath);
  return typeof value === 'number' ? value : null;
}

/**
 * The seconds Step Functions waits before the `attempt`th retry (1 for the first) under a retrier:
 * IntervalSeconds (default 1) times BackoffRate (default 2) to the power attempt − 1, capped at
 * MaxDelaySeconds. With JitterStrategy FULL it waits a random share of that; a rehearsal takes the
 * mean, half of it, so its timeline is the same every run
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error).
 */
export function retryDelaySeconds(retrier: AslState['Retry'][number], attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (attempt - 1);
  const capped = Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  return retrier.JitterStrategy === 'FULL' ? capped / 2 : capped;
}
