import {
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
  MemoryStore,
  success,
} from '@breakwater/core';
import { describe, expect, it } from 'vitest';

/** Lets the store's microtask deliveries and async claims run. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function fleet(size: number) {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const breakers = Array.from(
    { length: size },
    () =>
      new CircuitBreaker({
        name: 'https://api.binance.com',
        clock,
        store,
        openMs: 1_000,
        strategy: { type: 'consecutive', failureCount: 1 },
      }),
  );
  return { clock, store, breakers };
}

describe('breakers sharing a store', () => {
  it('apply a transition made by another process', async () => {
    const { breakers } = fleet(3);
    const [first, second, third] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    first.acquire().settle({ kind: 'error', error: new Error('down') });
    await flush();
    expect([first.state, second.state, third.state]).toEqual(['open', 'open', 'open']);
    expect(isBreakerOpenError(second.tryAcquire())).toBe(true);
    for (const breaker of breakers) breaker.dispose();
  });

  it('let only one process probe a half-open dependency', async () => {
    const { clock, breakers } = fleet(3);
    breakers[0]!.acquire().settle({ kind: 'error', error: new Error('down') });
    await flush();
    await clock.advance(1_000);
    const admitted = breakers.map((breaker) => !isBreakerOpenError(breaker.tryAcquire()));
    expect(admitted.filter(Boolean)).toHaveLength(1);
    for (const breaker of breakers) breaker.dispose();
  });

  it('close everywhere once the probe succeeds', async () => {
    const { clock, breakers } = fleet(2);
    breakers[0]!.acquire().settle({ kind: 'error', error: new Error('down') });
    await flush();
    await clock.advance(1_000);
    const probe = breakers[1]!.acquire();
    probe.settle(success());
    await flush();
    expect(breakers.map((breaker) => breaker.state)).toEqual(['closed', 'closed']);
    for (const breaker of breakers) breaker.dispose();
  });
});
