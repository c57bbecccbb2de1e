import { CircuitBreaker, ManualClock, pipeline, timeout } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

const abort = () => Promise.reject(new DOMException('aborted', 'AbortError'));
const boom = () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
const ok = () => Promise.resolve('ok');
const hang = (signal: AbortSignal | undefined) =>
  new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));

/** The same cancellation on each of execute()'s paths. */
const paths = {
  fast: (b: CircuitBreaker) => b.execute(abort),
  deadline: (b: CircuitBreaker) =>
    pipeline(b, timeout(1_000, { clock: b.options.clock })).execute(abort),
  permit: (b: CircuitBreaker) => b.execute(abort, { context: { method: 'GET' } }),
  signal: (b: CircuitBreaker) => {
    const controller = new AbortController();
    const call = b.execute(hang, { signal: controller.signal });
    controller.abort();
    return call;
  },
  permit_signal: (b: CircuitBreaker) => {
    const controller = new AbortController();
    const call = b.execute(hang, { signal: controller.signal, context: {} });
    controller.abort();
    return call;
  },
  acquire: (b: CircuitBreaker) => {
    b.acquire().settle({ kind: 'error', error: new DOMException('aborted', 'AbortError') });
    return Promise.reject(new Error('done'));
  },
};

describe('counters do not depend on the code path', () => {
  it.each(Object.entries(paths))('a cancellation is released on the %s path', async (_, run) => {
    const breaker = new CircuitBreaker({ clock: new ManualClock() });
    await run(breaker).catch(() => {});
    expect(breaker.snapshot().counters).toMatchObject({ released: 1, ignored: 0, failures: 0 });
  });

  it.each([
    ['fast', (b: CircuitBreaker, fn: () => Promise<unknown>) => b.execute(fn)],
    [
      'deadline',
      (b: CircuitBreaker, fn: () => Promise<unknown>) =>
        pipeline(b, timeout(99, { clock: b.options.clock })).execute(fn),
    ],
    ['permit', (b: CircuitBreaker, fn: () => Promise<unknown>) => b.execute(fn, { context: {} })],
  ])('a disposed breaker records nothing on the %s path', async (_, run) => {
    const breaker = new CircuitBreaker({
      clock: new ManualClock(),
      strategy: { type: 'count', callCount: 4, minCalls: 2, failureRate: 0.5 },
    });
    await run(breaker, ok);
    const before = breaker.snapshot();
    breaker.dispose();
    for (let i = 0; i < 3; i++) {
      await run(breaker, ok);
      await run(breaker, boom).catch(() => {});
    }
    const after = breaker.snapshot();
    expect(after.counters).toEqual(before.counters);
    expect(after.window).toEqual(before.window);
    expect(breaker.state).toBe('closed');
  });

  it('records nothing for calls in flight when the breaker is disposed', async () => {
    const breaker = new CircuitBreaker({
      clock: new ManualClock(),
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    let resolve!: (v: string) => void;
    let reject!: (e: unknown) => void;
    const success = breaker.execute(() => new Promise<string>((r) => (resolve = r)));
    const failure = breaker.execute(() => new Promise<string>((_, r) => (reject = r)));
    breaker.dispose();
    resolve('late');
    reject(new Error('late'));
    await success;
    await failure.catch(() => {});
    expect(breaker.snapshot().counters).toMatchObject({ successes: 0, failures: 0 });
    expect(breaker.state).toBe('closed');
  });
});
