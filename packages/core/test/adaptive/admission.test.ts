import {
  BreakerOpenError,
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
} from '@breakwater/core';
import type { AdmissionRefusal, BreakerStrategy } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

/** A custom strategy that refuses while `refusing` is set, and counts what it hears. */
function countingStrategy(refusal: boolean | AdmissionRefusal | (() => never)) {
  const heard = { admitted: 0, successes: 0, failures: 0, uncounted: 0, refusing: false };
  const strategy: BreakerStrategy = {
    usesTime: false,
    tracksLatency: false,
    admit() {
      if (!heard.refusing) {
        heard.admitted++;
        return true;
      }
      if (typeof refusal === 'function') return refusal();
      return refusal;
    },
    onUncounted() {
      heard.uncounted++;
    },
    onSuccess() {
      heard.successes++;
      return false;
    },
    onFailure() {
      heard.failures++;
      return false;
    },
    reset() {},
    describe: () => ({ type: 'counting' }),
    stats: () => ({ calls: 0, failures: 0, slowCalls: 0, failureRate: 0, slowCallRate: 0 }),
  };
  return { heard, strategy };
}

describe('strategy admission (the admit contract)', () => {
  it('rejects a refused call with state closed and the refusal’s rate, on every call path', async () => {
    const { heard, strategy } = countingStrategy({ rejectionRate: 0.25 });
    const breaker = new CircuitBreaker({ name: 'svc', strategy: () => strategy });
    heard.refusing = true;
    const ran: number[] = [];
    const paths = [
      () => breaker.execute(async () => ran.push(1)),
      () => breaker.execute(async () => ran.push(2), { signal: new AbortController().signal }),
      () => breaker.execute(async () => ran.push(3), { context: { method: 'GET' } }),
    ];
    for (const path of paths) {
      const error = await path().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BreakerOpenError);
      expect(error).toMatchObject({
        state: 'closed',
        rejectionRate: 0.25,
        retryAfterMs: undefined,
      });
    }
    const permit = breaker.tryAcquire();
    expect(isBreakerOpenError(permit)).toBe(true);
    expect(ran).toEqual([]);
    expect(breaker.snapshot().counters).toMatchObject({ rejected: 4, calls: 0 });
    expect(breaker.state).toBe('closed');
  });

  it('says nothing of a rate a custom strategy gets wrong, and admits when admit throws', async () => {
    const bad = countingStrategy({ rejectionRate: 7 });
    const breaker = new CircuitBreaker({ strategy: () => bad.strategy });
    bad.heard.refusing = true;
    await expect(breaker.execute(async () => 1)).rejects.toMatchObject({
      state: 'closed',
      rejectionRate: undefined,
      message: expect.stringMatching(/is throttling calls: /),
    });
    const errors: unknown[] = [];
    const throwing = countingStrategy(() => {
      throw new Error('strategy bug');
    });
    const lenient = new CircuitBreaker({
      strategy: () => throwing.strategy,
      onListenerError: (error) => errors.push(error),
    });
    throwing.heard.refusing = true;
    await expect(lenient.execute(async () => 1)).resolves.toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('ends every admitted call in exactly one of onSuccess, onFailure or onUncounted', async () => {
    const { heard, strategy } = countingStrategy(false);
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      strategy: () => strategy,
      clock,
      classify: (outcome) =>
        outcome.kind === 'error' && (outcome.error as Error).message === '404'
          ? { verdict: 'ignore', category: 'client' }
          : undefined,
    });
    await breaker.execute(async () => 1);
    await breaker.execute(async () => Promise.reject(new Error('boom'))).catch(() => {});
    await breaker.execute(async () => Promise.reject(new Error('404'))).catch(() => {});
    const controller = new AbortController();
    const cancelled = breaker.execute(
      (signal) =>
        new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason))),
      { signal: controller.signal },
    );
    controller.abort();
    await cancelled.catch(() => {});
    const released = breaker.tryAcquire();
    if (isBreakerOpenError(released)) throw released;
    released.release();
    // A call admitted while closed that ends after the breaker opened.
    let finish!: () => void;
    const slow = breaker.execute(() => new Promise<void>((resolve) => (finish = resolve)));
    breaker.trip();
    finish();
    await slow;
    expect(heard).toMatchObject({ admitted: 6, successes: 1, failures: 1, uncounted: 4 });
  });
});
