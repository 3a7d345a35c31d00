/**
 * What a change changed, key by key: `providerARNs: …/eu-west-2_OldPool01 → …/eu-west-2_NewPool01`,
 * never a JSON cut at a fixed width that hides the difference. `full` prints every value whole.
 */

/** Past this many characters a value no diff can shorten is cut, saying --full shows it whole. */
const LONG = 60;
/** A common start longer than this is elided up to the last separator before the values part. */
const KEEP = 24;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string holding a JSON object (a resource policy) is compared as that object. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('{')) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const text = (v: unknown) =>
  v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

/** Both values from where they start to differ, with the separator before it (`…/NewPool01`). */
function elide(a: string, b: string): [string, string] {
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common <= KEEP) return [a, b];
  const cut = Math.max(a.lastIndexOf('/', common - 1), a.lastIndexOf(':', common - 1));
  const from = cut > KEEP ? cut : common;
  return [`…${a.slice(from)}`, `…${b.slice(from)}`];
}

const cutLong = (s: string, full: boolean) =>
  full || s.length <= LONG ? s : `${s.slice(0, LONG)}… (--full shows all)`;

/** `path: before → after` for each leaf that differs. */
function walk(path: string, before: unknown, after: unknown, full: boolean, out: string[]): void {
  const a = parsed(before);
  const b = parsed(after);
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      walk(path ? `${path}.${key}` : key, a[key], b[key], full, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    // A list (an authorizer's pools): what left it and what joined it.
    const gone = a.filter((v) => !b.some((w) => JSON.stringify(w) === JSON.stringify(v)));
    const added = b.filter((v) => !a.some((w) => JSON.stringify(w) === JSON.stringify(v)));
    if (gone.length === 1 && added.length === 1) {
      walk(path, gone[0], added[0], full, out);
      return;
    }
    // Each item from where it differs from one that stays (a second pool's ARN beside the first).
    const kept = text(a.find((v) => !gone.includes(v)) ?? a[0] ?? '');
    const shown = (v: unknown) => (full ? text(v) : elide(kept, text(v))[1]);
    const items = [...gone.map((v) => `−${shown(v)}`), ...added.map((v) => `+${shown(v)}`)];
    out.push(`${path}: ${items.map((i) => cutLong(i, full)).join(', ')}`);
    return;
  }
  const [x, y] = full ? [text(a), text(b)] : elide(text(a), text(b));
  out.push(`${path || '(value)'}: ${cutLong(x, full)} → ${cutLong(y, full)}`);
}

/**
 * Each difference between two states of a resource. A `digest` is left out beside the `value` it
 * digests (it is there for a value not shown). An action that changes no setting (a redeploy) says so.
 */
export function differences(before: unknown, after: unknown, full = false): string[] {
  const out: string[] = [];
  walk('', before, after, full, out);
  const shown = out.filter(
    (line) => !(line.startsWith('digest: ') && out.some((l) => l.startsWith('value: '))),
  );
  return shown.length > 0 ? shown : ['no setting changed (redeployed as it was)'];
}
