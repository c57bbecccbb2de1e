import {
  isRateLimitedError,
  ManualClock,
  RateLimitedError,
  type RateLimiter,
  rateLimiter,
} from '@breakwater/core';
import type { RateLimitDelayedEvent, RateLimitedEvent } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const ok = async () => 'ok';

/** Starts a call and records when it was granted, in monotonic ms. */
function track(limiter: RateLimiter, clock: ManualClock, label: string, log: string[], weight = 1) {
  return limiter
    .execute(
      async () => {
        log.push(`${label}@${clock.monotonic()}`);
      },
      { weight },
    )
    .catch((error: unknown) => {
      log.push(`${label}:${(error as Error).name}`);
    });
}

describe('RateLimiter', () => {
  it('takes each call weight from the bucket and rejects with the time until it fits', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      name: 'binance',
      capacity: 10,
      refill: { amount: 1, intervalMs: 1_000 },
      clock,
    });
    await limiter.execute(ok, { weight: 4 });
    await limiter.execute(ok, { weight: 4 });
    expect(limiter.available).toBe(2);
    let called = false;
    const error = await limiter
      .execute(
        async () => {
          called = true;
        },
        { weight: 4 },
      )
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(isRateLimitedError(error)).toBe(true);
    expect(isRateLimitedError(new TypeError('fetch failed', { cause: error }))).toBe(true);
    expect(error).toMatchObject({
      name: 'RateLimitedError',
      code: 'BREAKWATER_RATE_LIMITED',
      limiter: 'binance',
      reason: 'exhausted',
      weight: 4,
      retryAfterMs: 2_000,
      message: 'Rate limiter "binance" has no room for weight 4; retry after 2000 ms.',
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('refills lazily over time up to the capacity', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      capacity: 10,
      refill: { amount: 10, intervalMs: 10_000 },
      clock,
    });
    await limiter.execute(ok, { weight: 10 });
    expect(limiter.available).toBe(0);
    clock.tick(2_500);
    expect(limiter.available).toBe(2.5);
    await expect(limiter.execute(ok, { weight: 2 })).resolves.toBe('ok');
    clock.tick(60_000);
    expect(limiter.available).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('counts one unit per call by default', async () => {
    const limiter = rateLimiter({
      capacity: 2,
      refill: { amount: 1, intervalMs: 1_000 },
      clock: new ManualClock(),
    });
    await limiter.execute(ok);
    await limiter.execute(ok);
    await expect(limiter.execute(ok)).rejects.toMatchObject({ weight: 1, retryAfterMs: 1_000 });
  });

  it('rejects a call heavier than the capacity as too heavy', async () => {
    const limiter = rateLimiter({
      capacity: 5,
      refill: { amount: 1, intervalMs: 1_000 },
      maxWaitMs: Infinity,
    });
    const error = await limiter.execute(ok, { weight: 6 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'too_heavy', retryAfterMs: undefined, weight: 6 });
    expect(limiter.tryAcquire(6)).toBe(Infinity);
  });

  it('makes calls wait in order up to maxWaitMs and rejects those that would wait longer', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      capacity: 4,
      refill: { amount: 2, intervalMs: 1_000 },
      maxWaitMs: 2_000,
      clock,
    });
    const delayed: RateLimitDelayedEvent[] = [];
    limiter.on('rateLimitDelayed', (event) => delayed.push(event));
    await limiter.execute(ok, { weight: 4 });
    const log: string[] = [];
    const calls = [
      track(limiter, clock, 'heavy', log, 3), // ready at 1500 ms
      track(limiter, clock, 'light', log, 1), // must not overtake: ready at 2000 ms
      track(limiter, clock, 'late', log, 1), // would need 2500 ms
    ];
    await Promise.resolve();
    expect(log).toEqual(['late:RateLimitedError']);
    expect(limiter.queued).toBe(2);
    expect(delayed.map((event) => [event.weight, event.waitMs])).toEqual([
      [3, 1_500],
      [1, 2_000],
    ]);
    await clock.advance(1_499);
    expect(log).toHaveLength(1);
    await clock.advance(1);
    expect(log).toEqual(['late:RateLimitedError', 'heavy@1500']);
    await clock.advance(500);
    await Promise.all(calls);
    expect(log).toEqual(['late:RateLimitedError', 'heavy@1500', 'light@2000']);
    expect(limiter.queued).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("removes a waiting call whose signal aborts and rejects it with the signal's reason", async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      capacity: 2,
      refill: { amount: 1, intervalMs: 1_000 },
      maxWaitMs: 10_000,
      clock,
    });
    await limiter.execute(ok, { weight: 2 });
    const caller = new AbortController();
    let called = false;
    const aborted = limiter
      .execute(
        async () => {
          called = true;
        },
        { weight: 2, signal: caller.signal },
      )
      .catch((e: unknown) => e);
    const log: string[] = [];
    const next = track(limiter, clock, 'next', log, 1);
    expect(limiter.queued).toBe(2);
    await clock.advance(500);
    caller.abort('navigated away');
    expect(await aborted).toBe('navigated away');
    expect(limiter.queued).toBe(1);
    // The next call moves up: it needed 3 s behind the aborted one, now 1 s.
    await clock.advance(500);
    await next;
    expect(log).toEqual(['next@1000']);
    expect(called).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not let tryAcquire overtake waiting calls', async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      capacity: 2,
      refill: { amount: 1, intervalMs: 1_000 },
      maxWaitMs: 5_000,
      clock,
    });
    expect(limiter.tryAcquire(2)).toBe(0);
    const log: string[] = [];
    const waiting = track(limiter, clock, 'waiting', log, 1);
    expect(limiter.tryAcquire()).toBe(2_000);
    await clock.advance(1_000);
    await waiting;
    expect(log).toEqual(['waiting@1000']);
    expect(limiter.tryAcquire()).toBe(1_000);
    clock.tick(1_000);
    expect(limiter.tryAcquire()).toBe(0);
  });

  it('emits rateLimited with the reason, weight, retry delay and context', async () => {
    const limiter = rateLimiter({
      name: 'okx',
      capacity: 1,
      refill: { amount: 10, intervalMs: 1_000 },
    });
    const events: RateLimitedEvent[] = [];
    limiter.on('rateLimited', (event) => events.push(event));
    const context = { endpoint: 'orders' };
    await limiter.execute(ok, { context });
    await limiter.execute(ok, { context }).catch(() => {});
    await limiter.execute(ok, { weight: 2 }).catch(() => {});
    expect(events[0]).toMatchObject({ limiter: 'okx', reason: 'exhausted', weight: 1, context });
    expect(events[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(events[0]!.retryAfterMs).toBeLessThanOrEqual(100);
    expect(events[1]).toEqual({
      limiter: 'okx',
      reason: 'too_heavy',
      weight: 2,
      retryAfterMs: undefined,
      context: undefined,
    });
  });

  describe('server feedback', () => {
    it("holds back until the window resets once Binance's used weight nears the limit", async () => {
      // 30 s into a minute: Binance's 1-minute weight window resets in 30 s.
      const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1, 12, 0, 30) });
      const limiter = rateLimiter({
        capacity: 6_000,
        refill: { amount: 100, intervalMs: 1_000 },
        clock,
      });
      limiter.update({ usedWeight: 5_000, limit: 6_000, windowMs: 60_000 });
      // 1000 remain, 600 (10 %) are kept in reserve.
      expect(limiter.available).toBe(400);
      expect(limiter.tryAcquire(400)).toBe(0);
      expect(limiter.tryAcquire(1)).toBe(30_000);
      // The local bucket refills, but the server's window has not reset yet.
      clock.tick(20_000);
      expect(limiter.tryAcquire(1)).toBe(10_000);
      clock.tick(10_000);
      expect(limiter.tryAcquire(1)).toBe(0);
      expect(limiter.available).toBe(5_999);
    });

    it("ignores a count for the previous window that arrives just after Binance's window rolled over", async () => {
      // 100 ms before the minute ends, the window is nearly spent.
      const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1, 12, 0, 59, 900) });
      const limiter = rateLimiter({
        capacity: 6_000,
        refill: { amount: 100, intervalMs: 1_000 },
        clock,
      });
      limiter.update({ usedWeight: 5_900, limit: 6_000, windowMs: 60_000 });
      expect(limiter.tryAcquire(1)).toBe(100);
      // The minute rolls over; a response counted in the old minute arrives 20 ms later.
      clock.tick(120);
      limiter.update({ usedWeight: 5_950, limit: 6_000, windowMs: 60_000 });
      // It says nothing about the new minute, whose count started at 0.
      expect(limiter.tryAcquire(1)).toBe(0);
      expect(limiter.available).toBeGreaterThan(5_000);
      // A count once the new window is under way still applies.
      clock.tick(2_000);
      limiter.update({ usedWeight: 5_500, limit: 6_000, windowMs: 60_000 });
      expect(limiter.available).toBe(0);
    });

    it("holds calls for a 429's Retry-After, not to the end of the used-weight window", () => {
      // 10 s into a minute whose count is known, the server answers 429 with Retry-After: 6.
      const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1, 12, 0, 10) });
      const limiter = rateLimiter({
        capacity: 6_000,
        refill: { amount: 100, intervalMs: 1_000 },
        clock,
      });
      limiter.update({ usedWeight: 1_000, limit: 6_000, windowMs: 60_000 });
      limiter.update({ remaining: 0, limit: 6_000, resetInMs: 6_000 });
      expect(limiter.tryAcquire(1)).toBe(6_000);
      clock.tick(6_000);
      expect(limiter.tryAcquire(1)).toBe(0);
      // A looser report with an earlier reset says nothing new: the tighter window stays.
      limiter.update({ usedWeight: 5_900, limit: 6_000, windowMs: 60_000 });
      limiter.update({ remaining: 3_000, limit: 6_000, resetInMs: 1_000 });
      expect(limiter.available).toBe(0);
    });

    it('waits for the reset when the server says nothing remains', async () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 10,
        refill: { amount: 10, intervalMs: 1_000 },
        maxWaitMs: 10_000,
        clock,
      });
      limiter.update({ remaining: 0, resetAt: clock.now() + 4_000 });
      const log: string[] = [];
      const call = track(limiter, clock, 'call', log);
      await clock.advance(3_999);
      expect(log).toEqual([]);
      await clock.advance(1);
      await call;
      expect(log).toEqual(['call@4000']);
      expect(clock.pendingTimers).toBe(0);
    });

    it('applies the safety margin to what the server reports (Bybit style)', async () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 50,
        refill: { amount: 50, intervalMs: 1_000 },
        clock,
        safetyMarginRate: 0.2,
      });
      limiter.update({ remaining: 14, limit: 50, resetInMs: 1_000 });
      expect(limiter.available).toBe(4);
      for (let i = 0; i < 4; i++) await limiter.execute(ok);
      await expect(limiter.execute(ok)).rejects.toMatchObject({ retryAfterMs: 1_000 });
      // A stale report from the same window cannot loosen it.
      limiter.update({ remaining: 40, limit: 50, resetInMs: 900 });
      expect(limiter.available).toBe(0);
      clock.tick(1_000);
      expect(limiter.available).toBe(50);
    });

    it('caps the local tokens when the server gives no reset time, then refills locally', () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 100,
        refill: { amount: 10, intervalMs: 1_000 },
        safetyMarginRate: 0,
        clock,
      });
      limiter.update({ remaining: 5 });
      expect(limiter.available).toBe(5);
      limiter.update({ remaining: 80 });
      expect(limiter.available).toBe(5);
      clock.tick(1_000);
      expect(limiter.available).toBe(15);
    });

    it('ignores missing and garbage values', () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 10,
        refill: { amount: 1, intervalMs: 1_000 },
        clock,
      });
      limiter.update({});
      limiter.update({ remaining: Number.NaN, resetAt: Number.NaN });
      limiter.update({ remaining: -3, usedWeight: Number('garbage') });
      expect(limiter.available).toBe(10);
      // A reset in the past means the window already reset: only the tokens are capped.
      limiter.update({ remaining: 9, limit: 10, resetAt: clock.now() - 5 });
      expect(limiter.available).toBe(8);
      expect(limiter.tryAcquire(8)).toBe(0);
    });

    it('caps a far-away reset time at maxResetWaitMs', () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 10,
        refill: { amount: 10, intervalMs: 1_000 },
        maxResetWaitMs: 60_000,
        clock,
      });
      limiter.update({ remaining: 0, resetAt: clock.now() + 30 * 86_400_000 });
      expect(limiter.tryAcquire()).toBe(60_000);
    });

    it('rejects waiting calls that a report pushes beyond their maxWaitMs', async () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 1,
        refill: { amount: 1, intervalMs: 1_000 },
        maxWaitMs: 2_000,
        clock,
      });
      await limiter.execute(ok);
      const waiting = limiter.execute(ok).catch((e: unknown) => e);
      expect(limiter.queued).toBe(1);
      limiter.update({ remaining: 0, limit: 1, resetInMs: 10_000 });
      const error = await waiting;
      expect(error).toMatchObject({ reason: 'exhausted', retryAfterMs: 10_000 });
      expect(limiter.queued).toBe(0);
      expect(clock.pendingTimers).toBe(0);
    });

    it('delays waiting calls that a report pushes within their maxWaitMs', async () => {
      const clock = new ManualClock();
      const limiter = rateLimiter({
        capacity: 1,
        refill: { amount: 1, intervalMs: 1_000 },
        maxWaitMs: 5_000,
        clock,
      });
      await limiter.execute(ok);
      const log: string[] = [];
      const waiting = track(limiter, clock, 'call', log);
      limiter.update({ remaining: 0, limit: 1, resetInMs: 3_000 });
      await clock.advance(1_000);
      expect(log).toEqual([]);
      await clock.advance(2_000);
      await waiting;
      expect(log).toEqual(['call@3000']);
    });
  });

  it('rejects invalid options and weights', async () => {
    expect(() => rateLimiter({ capacity: 10 } as never)).toThrow('Invalid option `refill`');
    expect(() =>
      rateLimiter({ capacity: 10, refill: { amount: 1, interval: 1_000 } as never }),
    ).toThrow('`refill.interval`');
    expect(() => rateLimiter({ capacity: 0, refill: { amount: 1, intervalMs: 1_000 } })).toThrow(
      '`capacity`',
    );
    expect(() =>
      rateLimiter({
        capacity: 1,
        refill: { amount: 1, intervalMs: 1_000 },
        maxWait: 1,
      } as never),
    ).toThrow('`maxWait`');
    const limiter = rateLimiter({ capacity: 1, refill: { amount: 1, intervalMs: 1_000 } });
    await expect(limiter.execute(ok, { weight: -1 })).rejects.toThrow('`weight`');
    expect(() => limiter.tryAcquire(Number.NaN)).toThrow('`weight`');
  });
});
