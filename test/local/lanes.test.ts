import { describe, expect, it } from 'vitest';
import { Lanes } from '../../src/local/lanes.ts';
import { VirtualClock } from '../../src/sandbox/index.ts';

describe('Lanes', () => {
  it('runs lanes side by side on one clock: three waiting one second each take one second, not three', async () => {
    // Arrange
    const clock = new VirtualClock(() => {}, 0);
    const lanes = new Lanes(clock);
    const seen: [string, number][] = [];
    const lane = async (name: string) => {
      for (let call = 0; call < 2; call++) {
        await lanes.until(clock.now() + (call === 0 ? 0 : 1000));
        seen.push([name, clock.now()]);
      }
      lanes.end();
    };

    // Act: every lane counts as running before any sleeps.
    for (let n = 0; n < 3; n++) lanes.start();
    await Promise.all(['a', 'b', 'c'].map(lane));

    // Assert
    expect(clock.now()).toBe(1000);
    expect(seen.filter(([, at]) => at === 0)).toHaveLength(3);
    expect(seen.filter(([, at]) => at === 1000)).toHaveLength(3);
  });

  it('wakes the earliest first, and moves the clock only as far as it must', async () => {
    // Arrange
    const clock = new VirtualClock(() => {}, 0);
    const lanes = new Lanes(clock);
    const order: string[] = [];
    const sleeper = async (name: string, at: number) => {
      await lanes.until(at);
      order.push(`${name}@${clock.now()}`);
      lanes.end();
    };

    // Act
    for (let n = 0; n < 3; n++) lanes.start();
    await Promise.all([sleeper('late', 5000), sleeper('early', 2000), sleeper('middle', 3000)]);

    // Assert
    expect(order).toEqual(['early@2000', 'middle@3000', 'late@5000']);
  });
});
