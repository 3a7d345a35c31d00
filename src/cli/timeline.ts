import type { TimelineEntry } from '../local/report.ts';
import { everyState, type MachineKind, machine } from '../statemachines/definition.ts';
import { plain, type Style } from './style.ts';

/**
 * The timeline as an operator scans it, line by line as the execution runs:
 * - states that pass at the same moment share one line (`ValidatePlan, AcquireLock, Preflight  ok`);
 * - a cycle that repeats (a health poll and its wait, the grace watch) prints once, then one line
 *   with how many more times and until when, so a 1-hour unhealthy run fits on a screen;
 * - the state column is as wide as the longest state name the machines have.
 */

/** `01:02:03`: a duration, or a moment since the execution started. */
export function clock(seconds: number): string {
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  return [hh, mm, ss].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * The widest state name of the cutover, and of its rollback under `rollback/`; the rollback the
 * EventBridge rule starts (`rule-rollback/`) is rare enough to run past the column.
 */
export function stateColumn(): number {
  const names = (kind: MachineKind) => [...everyState(machine(kind).definition)].map(([name]) => name);
  const widest = Math.max(
    ...names('cutover').map((n) => n.length),
    ...names('rollback').map((n) => `rollback/${n}`.length),
  );
  return widest + 2;
}

/** `rollback/` of `rollback/Restore`; '' for the execution's own states. */
const prefixOf = (state: string) => state.slice(0, state.lastIndexOf('/') + 1);

const keyOf = (e: TimelineEntry) => `${e.state}\t${e.outcome}`;
const MAX_PERIOD = 3;
/** Names joined on one line stop at this width, then go on on the next. */
const JOIN_WIDTH = 72;

const passed = (outcome: string) => outcome === 'ok' || outcome === 'succeed';

export class TimelineView {
  private readonly seen: string[] = [];
  private fold: { cycle: string[]; held: TimelineEntry[] } | undefined;
  private joined: TimelineEntry[] = [];
  /** A child execution's states, held until it ends: run clean, they print as one line. */
  private child: { prefix: string; entries: TimelineEntry[] } | undefined;

  constructor(
    private readonly column = stateColumn(),
    private readonly style: Style = plain,
  ) {}

  /** The lines an entry lets out now; some wait for what comes next. */
  push(entry: TimelineEntry): string[] {
    const prefix = prefixOf(entry.state);
    const child = this.child;
    if (child && prefix === child.prefix) {
      child.entries.push(entry);
      if (entry.type !== 'Succeed') return [];
      this.child = undefined;
      return child.entries.every((e) => passed(e.outcome) || e.outcome.startsWith('waited'))
        ? [...this.endFold(), ...this.endJoin(), this.childLine(child)]
        : child.entries.flatMap((e) => this.pass(e));
    }
    const out = child ? this.flushChild() : [];
    if (prefix) {
      this.child = { prefix, entries: [entry] };
      return out;
    }
    return [...out, ...this.pass(entry)];
  }

  /** A child execution (the rollback) that ran clean, in one line: where it began, how long, how many states. */
  private childLine(child: { prefix: string; entries: TimelineEntry[] }): string {
    const [first] = child.entries;
    const last = child.entries.at(-1);
    const seconds = (last?.at ?? 0) - (first?.at ?? 0);
    const states = new Set(child.entries.map((e) => e.state)).size;
    return this.line(first?.at ?? 0, `${child.prefix}* (${states} states)`, `ok in ${seconds} s`);
  }

  private flushChild(): string[] {
    const child = this.child;
    this.child = undefined;
    return child ? child.entries.flatMap((e) => this.pass(e)) : [];
  }

  private pass(entry: TimelineEntry): string[] {
    const out: string[] = [];
    const key = keyOf(entry);
    if (this.fold) {
      const { cycle, held } = this.fold;
      if (cycle[held.length % cycle.length] === key) {
        held.push(entry);
        return out;
      }
      out.push(...this.endFold());
    }
    const period = this.periodOf(key);
    if (period) {
      out.push(...this.endJoin());
      this.fold = { cycle: this.seen.slice(-period), held: [entry] };
      return out;
    }
    this.seen.push(key);
    out.push(...this.show(entry));
    return out;
  }

  /** What is still held back, at the end. */
  end(): string[] {
    const out = this.flushChild();
    return [...out, ...this.endFold(), ...this.endJoin()];
  }

  /** A cycle of up to three entries that this one starts again. */
  private periodOf(key: string): number | undefined {
    for (let p = 1; p <= MAX_PERIOD && p <= this.seen.length; p++) {
      if (this.seen[this.seen.length - p] === key) return p;
    }
    return undefined;
  }

  private endFold(): string[] {
    const fold = this.fold;
    if (!fold) return [];
    this.fold = undefined;
    const times = Math.floor(fold.held.length / fold.cycle.length);
    const whole = fold.held.slice(0, times * fold.cycle.length);
    const rest = fold.held.slice(whole.length);
    const last = whole.at(-1);
    const out = [...this.endJoin()];
    if (last) {
      out.push(
        this.style.quiet(
          `${' '.repeat(11)}… the same ${times === 1 ? 'once more' : `${times} more times`}, until +${clock(last.at)}`,
        ),
      );
    }
    for (const e of rest) {
      this.seen.push(keyOf(e));
      out.push(...this.show(e));
    }
    return out;
  }

  private endJoin(): string[] {
    const group = this.joined;
    this.joined = [];
    if (group.length === 0) return [];
    const [first] = group;
    if (!first) return [];
    if (group.length === 1) return [this.line(first.at, first.state, first.outcome)];
    const lines: string[] = [];
    let names: string[] = [];
    const flush = (outcome: string) => {
      lines.push(this.line(first.at, names.join(', '), outcome, lines.length > 0));
      names = [];
    };
    let prefix = '';
    for (const e of group) {
      // rollback/A, B, C: the child execution's prefix is said once per line.
      const slash = e.state.lastIndexOf('/');
      const own = slash >= 0 ? e.state.slice(0, slash + 1) : '';
      const name = names.length > 0 && own === prefix ? e.state.slice(own.length) : e.state;
      if (names.length > 0 && [...names, name].join(', ').length > JOIN_WIDTH) {
        flush('');
        names.push(e.state);
      } else names.push(name);
      prefix = own;
    }
    flush(group.at(-1)?.outcome ?? 'ok');
    return lines;
  }

  private show(entry: TimelineEntry): string[] {
    const last = this.joined.at(-1);
    if (passed(entry.outcome) && entry.type !== 'Succeed') {
      if (last && last.at !== entry.at) {
        const out = this.endJoin();
        this.joined.push(entry);
        return out;
      }
      this.joined.push(entry);
      return [];
    }
    return [...this.endJoin(), this.line(entry.at, entry.state, entry.outcome)];
  }

  private line(at: number, state: string, outcome: string, continued = false): string {
    const time = continued ? ' '.repeat(10) : `+${clock(at)} `;
    const name = state.length < this.column ? state.padEnd(this.column) : `${state}  `;
    return `${time} ${name}${this.paint(outcome)}`.trimEnd();
  }

  private paint(full: string): string {
    if (!full) return '';
    // A failure's cause is long and is printed once, below the timeline (or as a retried failure).
    const outcome = full.startsWith('failed: ') ? (/^failed: [^:]+/.exec(full)?.[0] ?? full) : full;
    if (passed(outcome) || /^(pass|approved)/.test(outcome)) return this.style.good(outcome);
    if (/^(fail|no-go|execution (aborted|timed out))/.test(outcome)) return this.style.bad(outcome);
    if (/^(waited|retrying|caught)/.test(outcome)) return this.style.quiet(outcome);
    return outcome;
  }
}

/** A whole timeline at once, as `cutover status` prints it. */
export function timelineLines(entries: TimelineEntry[], style: Style = plain): string[] {
  const view = new TimelineView(stateColumn(), style);
  return [...entries.flatMap((e) => view.push(e)), ...view.end()];
}
