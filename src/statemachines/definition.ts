import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The repository root: serverless.yml, statemachines/ and handlers/ are read from here. */
function rootAbove(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'serverless.yml'))) return at;
    if (dirname(at) === at) return resolve(HERE, '../..');
  }
}
const ROOT = rootAbove(HERE);

/**
 * Whether this code runs from the built CLI (`npm run build`: dist/), whose handlers are built beside
 * it, sharing its modules (the sandbox's transport, the clock), rather than from the TypeScript.
 */
const BUILT = relative(ROOT, HERE).split(/[\\/]/)[0] === 'dist';

export type MachineKind = 'cutover' | 'rollback' | 'sweep';

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

/** An ASL file as written (YAML, anchors and merge keys), its functions still named by `Fn::GetAtt`. */
export const readAsl = (path: string): Asl => readYaml<Asl>(path);

/**
 * Every state of the definition, those of a Map's item processor included, by name: ASL names are
 * unique across a whole definition, nested ones too.
 */
export function* everyState(asl: Pick<Asl, 'States'>): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(asl.States)) {
    yield [name, state];
    if (state.ItemProcessor) yield* everyState(state.ItemProcessor);
  }
}

/** The state of this name, at any depth. */
export function stateNamed(asl: Pick<Asl, 'States'>, name: string): AslState | undefined {
  for (const [stateName, state] of everyState(asl)) if (stateName === name) return state;
  return undefined;
}

/** Reads the same serverless.yml and ASL file that are deployed, so a rehearsal runs what ships. */
export function loadMachine(name: string, root = ROOT): LoadedMachine {
  const service = readYaml<ServerlessFile>(join(root, 'serverless.yml'));
  const reference = service.stepFunctions.stateMachines[name]?.definition;
  const file = typeof reference === 'string' ? /^\$\{file\((.+)\)\}$/.exec(reference)?.[1] : undefined;
  if (!file) throw new Error(`serverless.yml: stateMachines.${name}.definition must be \${file(...)}`);
  const asl = readAsl(join(root, file));
  const functionOf: Record<string, string> = {};
  const callbacks = new Set<string>();
  for (const [stateName, state] of everyState(asl)) {
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
          module: BUILT
            ? join(root, 'dist', `${handler.slice(0, dot)}.mjs`)
            : join(root, `${handler.slice(0, dot)}.ts`),
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

const loaded = new Map<MachineKind, LoadedMachine>();

/**
 * The deployed state machine `kind`, read once per process: the runner, the CLI's progress view and
 * the roles all read this one copy. Nothing may change it.
 */
export function machine(kind: MachineKind): LoadedMachine {
  let found = loaded.get(kind);
  if (!found) {
    found = loadMachine(kind);
    loaded.set(kind, found);
  }
  return found;
}

/** The Task states on the forward path of `kind`, in runbook order: those a fault may target. */
export function taskStates(kind: MachineKind = 'cutover', dryRun = false): string[] {
  const { definition } = machine(kind);
  return forwardPath(definition, dryRun).filter((name) => definition.States[name]?.Type === 'Task');
}
