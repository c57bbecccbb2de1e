import { BreakerRegistry, ManualClock, success } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

const maxSize = 1_000;

/** Adds `count` new names (with a call on each when `call` is set); returns the time taken. */
function feed(count: number, call: boolean): number {
  const registry = new BreakerRegistry({ maxSize, clock: new ManualClock() });
  let evicted = 0;
  registry.on('removed', () => evicted++);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const breaker = registry.get(`https://api.example.com/v1/items/${i}`);
    if (call) breaker.acquire().settle(success());
  }
  const elapsed = performance.now() - started;
  expect(registry.size).toBe(maxSize);
  expect(evicted).toBe(count - maxSize);
  registry.dispose();
  return elapsed;
}

/** The best of three runs: the least disturbed by other work on the machine. */
function best(count: number, call: boolean): number {
  return Math.min(feed(count, call), feed(count, call), feed(count, call));
}

describe('BreakerRegistry with 100 000 names', () => {
  it.each([
    ['get() only', false],
    ['a call on each breaker', true],
  ])(
    'stays at maxSize, in time linear in the number of names (%s)',
    (_, call) => {
      feed(5_000, call); // warm-up, so the JIT has compiled the paths before timing
      const quarter = best(25_000, call);
      const full = best(100_000, call);
      // Four times the names: about four times the time when each get() is O(1); the former
      // quadratic registry took about sixteen times (40 000 names in 30 s). The bound sits between
      // the two, far enough from four that a loaded CI machine (seen: 9.5 at load 21 on two cores
      // with the best of two runs) does not fail a linear registry.
      expect(full / quarter).toBeLessThan(12);
    },
    120_000,
  );
});
