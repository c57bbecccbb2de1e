import { CircuitBreaker, ManualClock } from '@breakwater/core';
import { seededRandom } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const fail = () => Promise.reject(new Error('down'));
const ok = () => Promise.resolve(1);

describe('adaptive strategies after a pause', () => {
  it('the throttle does not reject on a window that expired during a pause', async () => {
    const clock = new ManualClock({ random: seededRandom(3) });
    const breaker = new CircuitBreaker({
      clock,
      strategy: { type: 'throttle', windowMs: 10_000 },
    });
    // Thousands of calls a millisecond: the strategy reads the clock rarely.
    for (let i = 0; i < 2_000; i++) await breaker.execute(fail).catch(() => {});
    const before = breaker.snapshot().counters.rejected;
    expect(before).toBeGreaterThan(0);
    // No snapshot after the pause: it would read the exact time and expire the window itself.
    clock.tick(3_600_000);
    for (let i = 0; i < 60; i++) await breaker.execute(ok);
    expect(breaker.snapshot().counters.rejected).toBe(before);
  });

  it('the failure-only adaptive threshold does not open on failures from before a pause', async () => {
    const clock = new ManualClock({ random: seededRandom(3) });
    const breaker = new CircuitBreaker({
      clock,
      strategy: {
        type: 'adaptive',
        windowMs: 10_000,
        minCalls: 20,
        maxFailureRate: 0.5,
        minLatencyMs: Number.POSITIVE_INFINITY,
      },
    });
    for (let i = 0; i < 200; i++) await breaker.execute(ok);
    for (let i = 0; i < 199; i++) await breaker.execute(fail).catch(() => {});
    expect(breaker.state).toBe('closed');
    clock.tick(3_600_000);
    // Five failures in a fresh window (under minCalls): over the ceiling only with the calls
    // from before the pause counted.
    for (let i = 0; i < 5; i++) await breaker.execute(fail).catch(() => {});
    expect(breaker.state).toBe('closed');
  });
});
