import {
  BreakerOpenError,
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
} from '@breakwater/core';
import { seededRandom } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';
import { offer, RateLimitedBackend } from './trafficModel.ts';

function throttled(clock: ManualClock, strategy: Record<string, unknown> = {}) {
  return new CircuitBreaker({
    name: 'https://api.example.com',
    clock,
    strategy: { type: 'throttle', windowMs: 10_000, ...strategy } as never,
  });
}

describe('throttle strategy (client-side adaptive throttling)', () => {
  it('lets about k × the accepted rate reach an overloaded backend within two windows', async () => {
    // k × A must stay well above A: at k = 1.5 the backend's own second-to-second misses
    // (calls arrive at random) lower the accepts, and the rate settles lower.
    for (const k of [2, 3]) {
      const clock = new ManualClock({ random: seededRandom(7) });
      const backend = new RateLimitedBackend(clock, 10);
      const breaker = throttled(clock, { k });
      // The client offers 100 calls a second to a backend that accepts 10.
      await offer(clock, 20_000, 100, 10, () => breaker.execute(backend.call));
      const before = backend.reached;
      await offer(clock, 20_000, 100, 10, () => breaker.execute(backend.call));
      const perSecond = (backend.reached - before) / 20;
      expect(perSecond).toBeGreaterThan(k * 10 * 0.85);
      expect(perSecond).toBeLessThan(k * 10 * 1.15);
      expect(breaker.state).toBe('closed');
      breaker.dispose();
    }
  });

  it('rejects with a BreakerOpenError carrying the current rejection rate', async () => {
    const clock = new ManualClock({ random: seededRandom(1) });
    const backend = new RateLimitedBackend(clock, 0);
    const breaker = throttled(clock);
    const rejected: unknown[] = [];
    breaker.on('rejected', (event) => rejected.push(event));
    let error: unknown;
    for (let i = 0; i < 200 && error === undefined; i++) {
      await breaker.execute(backend.call).catch((e: unknown) => {
        if (isBreakerOpenError(e)) error = e;
      });
    }
    expect(error).toBeInstanceOf(BreakerOpenError);
    const open = error as BreakerOpenError;
    expect(open.state).toBe('closed');
    expect(open.retryAfterMs).toBeUndefined();
    expect(open.rejectionRate).toBeGreaterThan(0);
    expect(open.rejectionRate).toBeLessThanOrEqual(0.9);
    expect(open.message).toMatch(
      /^Breaker "https:\/\/api\.example\.com" is throttling calls \(rejecting \d+% now\)/,
    );
    expect(rejected.at(-1)).toMatchObject({ state: 'closed', rejectionRate: open.rejectionRate });
    expect(breaker.snapshot().window).toMatchObject({ rejectionRate: open.rejectionRate });
  });

  it('never rejects a healthy dependency, nor before minCalls requests', async () => {
    const clock = new ManualClock({ random: seededRandom(3) });
    const backend = new RateLimitedBackend(clock, 1_000);
    const breaker = throttled(clock);
    await offer(clock, 30_000, 100, 10, () => breaker.execute(backend.call));
    expect(breaker.snapshot().counters.rejected).toBe(0);

    const failing = throttled(clock, { minCalls: 10 });
    const down = new RateLimitedBackend(clock, 0);
    for (let i = 0; i < 9; i++) await failing.execute(down.call).catch(() => {});
    expect(failing.snapshot().counters.rejected).toBe(0);
  });

  it('keeps the rejection rate under maxRejectionRate, so a dead backend is still seen to recover', async () => {
    const clock = new ManualClock({ random: seededRandom(11) });
    const backend = new RateLimitedBackend(clock, 0);
    const breaker = throttled(clock, { maxRejectionRate: 0.5 });
    await offer(clock, 10_000, 100, 10, () => breaker.execute(backend.call));
    const before = backend.reached;
    await offer(clock, 10_000, 100, 10, () => breaker.execute(backend.call));
    const share = (backend.reached - before) / 1_000;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);

    // Recovery: the backend accepts everything again; rejections fade within a window or two.
    backend.perSecond = 1_000;
    await offer(clock, 20_000, 100, 10, () => breaker.execute(backend.call));
    const rejectedBefore = breaker.snapshot().counters.rejected;
    await offer(clock, 5_000, 100, 10, () => breaker.execute(backend.call));
    expect(breaker.snapshot().counters.rejected).toBe(rejectedBefore);
    expect(breaker.state).toBe('closed');
  });

  it('degrades smoothly: the rejection rate follows the share the backend accepts', async () => {
    const clock = new ManualClock({ random: seededRandom(5) });
    const backend = new RateLimitedBackend(clock, 100);
    const breaker = throttled(clock, { k: 1 });
    const rates: number[] = [];
    // A ramp: the backend's capacity falls from 100 to 20 calls a second, 20 at a time.
    for (const capacity of [100, 80, 60, 40, 20]) {
      backend.perSecond = capacity;
      await offer(clock, 20_000, 100, 10, () => breaker.execute(backend.call));
      rates.push((breaker.snapshot().window as unknown as { rejectionRate: number }).rejectionRate);
    }
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeGreaterThan(rates[i - 1]!);
    // With k = 1 the rejection rate is about 1 − capacity / offered.
    expect(rates.at(-1)!).toBeGreaterThan(0.7);
    expect(rates.at(-1)!).toBeLessThan(0.9);
  });

  it('rejects bad options naming them', () => {
    expect(() => throttled(new ManualClock(), { k: 0.5 })).toThrow(/`strategy\.k`.*>= 1.*0\.5/);
    expect(() => throttled(new ManualClock(), { maxRejectionRate: 0 })).toThrow(
      /`strategy\.maxRejectionRate`/,
    );
    expect(() => throttled(new ManualClock(), { failureRate: 0.5 })).toThrow(
      /`strategy\.failureRate`/,
    );
  });
});
