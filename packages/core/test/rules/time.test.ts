import { CircuitBreaker, isBreakerOpenError, ManualClock, MemoryStore } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

const boom = () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
const hour = 3_600_000;

function openBreaker(options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker({
    clock,
    strategy: { type: 'consecutive', failureCount: 1 },
    openMs: 600_000,
    ...options,
  });
  return { clock, breaker };
}

describe('durations run on the monotonic clock, not the wall clock', () => {
  it('keeps the open period when the wall clock steps back an hour', async () => {
    const { clock, breaker } = openBreaker();
    await breaker.execute(boom).catch(() => {});
    clock.setNow(clock.now() - hour);
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(600_000);
    await clock.advance(600_000);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(false);
  });

  it('does not end a 10-minute open period when the wall clock steps forward', async () => {
    const { clock, breaker } = openBreaker();
    await breaker.execute(boom).catch(() => {});
    clock.setNow(clock.now() + hour);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(true);
    expect(breaker.state).toBe('open');
  });

  it('reports openUntil on the wall clock, for people and other processes', async () => {
    const { clock, breaker } = openBreaker();
    await breaker.execute(boom).catch(() => {});
    clock.setNow(clock.now() - hour);
    expect(breaker.snapshot().openUntil).toBe(clock.now() + 600_000);
    expect(breaker.toJSON().openUntil).toBe(clock.now() + 600_000);
  });

  it('expires time-window buckets after a wall-clock step back', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      strategy: { type: 'time', windowMs: 60_000, bucketCount: 6, minCalls: 2, failureRate: 0.5 },
    });
    // One failure a minute, with the wall clock stepping back each time: never two in a window.
    for (let i = 0; i < 5; i++) {
      await breaker.execute(boom).catch(() => {});
      await clock.advance(61_000);
      clock.setNow(clock.now() - 61_000);
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().window.calls).toBe(0);
  });

  it('ages half-open probes on the monotonic clock', async () => {
    const { clock, breaker } = openBreaker({
      openMs: 1_000,
      halfOpen: { probeTimeoutMs: 5_000 },
    });
    await breaker.execute(boom).catch(() => {});
    await clock.advance(1_000);
    const probe = breaker.tryAcquire();
    expect(isBreakerOpenError(probe)).toBe(false);
    clock.setNow(clock.now() + hour);
    // A wall-clock jump does not make the probe look older than it is.
    expect(breaker.tryAcquire()).toMatchObject({ state: 'half_open' });
    expect(breaker.state).toBe('half_open');
  });

  it('restores a saved open period by the time left on the wall clock', async () => {
    const store = new MemoryStore();
    const first = openBreaker({ store, name: 'x' });
    await first.breaker.execute(boom).catch(() => {});
    const clock = new ManualClock({ startMs: first.clock.now() + 60_000 });
    const second = new CircuitBreaker({ clock, store, name: 'x', openMs: 600_000 });
    await second.ready;
    const rejected = second.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(540_000);
  });
});
