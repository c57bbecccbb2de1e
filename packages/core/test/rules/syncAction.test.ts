import { CircuitBreaker, ManualClock, pipeline, retry, timeout } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

describe('an action that returns a plain value under a deadline', () => {
  it('resolves with the value through the breaker, leaving no timer and no failure', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    const result = pipeline(breaker, timeout(30, { clock })).execute(
      () => 42 as unknown as Promise<number>,
    );
    await expect(result).resolves.toBe(42);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(100);
    expect(breaker.snapshot().counters).toMatchObject({ successes: 1, failures: 0, timeouts: 0 });
  });

  it('resolves the same with a caller signal and a context', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    const sync = () => 'x' as unknown as Promise<string>;
    const signal = new AbortController().signal;
    await expect(breaker.execute(sync, { signal })).resolves.toBe('x');
    await expect(breaker.execute(sync, { signal, context: { method: 'GET' } })).resolves.toBe('x');
    expect(clock.pendingTimers).toBe(0);
    expect(breaker.snapshot().counters.successes).toBe(2);
  });

  it('resolves through the timeout policy and a pipeline', async () => {
    const clock = new ManualClock();
    const sync = () => 7 as unknown as Promise<number>;
    await expect(timeout(30, { clock }).execute(sync)).resolves.toBe(7);
    const policy = pipeline(
      retry({ clock }),
      timeout(30, { clock }),
      new CircuitBreaker({ clock }),
    );
    await expect(policy.execute(sync)).resolves.toBe(7);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with what a synchronous action throws, counted once', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    const error = Object.assign(new Error('sync'), { code: 'ECONNRESET' });
    await expect(
      pipeline(breaker, timeout(30, { clock })).execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(clock.pendingTimers).toBe(0);
    expect(breaker.snapshot().counters).toMatchObject({ failures: 1, timeouts: 0 });
  });
});
