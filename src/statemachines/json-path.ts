// The one JSONPath helper of the state machines' readers: the runner, the CLI's progress view and
// the history fixtures. The ASL uses reference paths only (`$.a.b`, `$$.Execution.Id` as `$.Execution.Id`
// into the context object), so no more of JSONPath is needed.

/** The keys of a reference path such as `$.dnsSwitch.waitSeconds` (this ASL uses no other kind). */
export const pathKeys = (path: string) =>
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
