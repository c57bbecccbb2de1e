import { ManualClock } from '@breakwater/core';
import { seededRandom } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

describe('ManualClock', () => {
  it('fires timers in due order while advancing', async () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('c'), 30);
    await clock.advance(25);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.pendingTimers).toBe(1);
  });

  it('moves wall and monotonic time together', async () => {
    const clock = new ManualClock({ startMs: 1_000 });
    await clock.advance(500);
    expect(clock.now()).toBe(1_500);
    expect(clock.monotonic()).toBe(500);
  });

  it('does not fire cleared timers', async () => {
    const clock = new ManualClock();
    const handle = clock.setTimeout(() => expect.unreachable(), 5);
    clock.clearTimeout(handle);
    await clock.advance(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives the same random sequence for the same seed', () => {
    const a = new ManualClock({ seed: 7 });
    const b = new ManualClock({ seed: 7 });
    const sequence = [a.random(), a.random(), a.random()];
    expect([b.random(), b.random(), b.random()]).toEqual(sequence);
    for (const value of sequence) expect(value).toBeGreaterThanOrEqual(0);
  });

  it('lets promise chains started by a timer settle before the next timer', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    clock.setTimeout(() => {
      Promise.resolve().then(() => order.push('chain'));
    }, 1);
    clock.setTimeout(() => order.push('second'), 2);
    await clock.advance(2);
    expect(order).toEqual(['chain', 'second']);
  });
});

describe('ManualClock.nextTimerInMs', () => {
  it('tells how far the next timer is, so a test can jump to it', async () => {
    const clock = new ManualClock();
    expect(clock.nextTimerInMs()).toBeUndefined();
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 250);
    await clock.advance(100);
    expect(clock.nextTimerInMs()).toBe(150);
    await clock.advance(clock.nextTimerInMs() ?? 0);
    expect(fired).toBe(true);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    for (let i = 0; i < 100; i++) {
      const value = a();
      expect(value).toBe(b());
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});
