import type { VirtualClock } from '../sandbox/sandbox.ts';

/**
 * Child executions side by side on one virtual clock: a discrete-event schedule. A lane runs until it
 * must wait (its next task comes after a Wait state or a retry's back-off); when every running lane
 * waits, the clock jumps to the earliest wake-up and that lane goes on. So ten workers each waiting one
 * second between calls make ten calls per simulated second, as they would in AWS, in no real time.
 */
export class Lanes {
  private running = 0;
  private readonly sleepers: { at: number; order: number; wake: () => void }[] = [];
  private order = 0;

  constructor(private readonly clock: VirtualClock) {}

  /** A lane begins. Start every lane before any may sleep, or the first to sleep moves the clock alone. */
  start(): void {
    this.running += 1;
  }

  /** A lane ends (its child execution ended); the next sleeper may go on. */
  end(): void {
    this.running -= 1;
    this.pump();
  }

  /** Resolves when the clock reads `at` (ms) and it is this lane's turn; at once if that time has come. */
  async until(at: number): Promise<void> {
    if (at <= this.clock.now()) return;
    this.running -= 1;
    const woken = new Promise<void>((wake) => this.sleepers.push({ at, order: this.order++, wake }));
    this.pump();
    await woken;
  }

  /** A lane woken to find its execution stopped gives its turn back without doing anything. */
  drop(): void {
    this.running -= 1;
    this.pump();
  }

  private pump(): void {
    if (this.running > 0 || this.sleepers.length === 0) return;
    // Earliest first; of two at one time, the one that went to sleep first.
    this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.sleepers.shift();
    if (!next) return;
    const ahead = next.at - this.clock.now();
    if (ahead > 0) this.clock.advance(ahead / 1000);
    this.running += 1;
    next.wake();
  }
}
