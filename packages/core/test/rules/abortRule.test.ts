import { BreakerRegistry, CircuitBreaker, ManualClock } from '@breakwater/core';
import {
  abortMeaning,
  fetchResponseAdapter,
  HttpGuard,
  outcomeOfError,
} from '@breakwater/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';

/** What `AbortSignal.timeout()` aborts with, without waiting for one. */
const timeoutReason = () => new DOMException('The operation timed out.', 'TimeoutError');
/** What axios rejects with when its signal aborts: its own class, the reason lost. */
const canceledError = () =>
  Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' });

const breakers: CircuitBreaker[] = [];
afterEach(() => {
  for (const breaker of breakers.splice(0)) breaker.dispose();
});

function create(context?: { method: string }) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker({
    clock,
    strategy: { type: 'consecutive', failureCount: 3 },
  });
  breakers.push(breaker);
  return { breaker, clock, context };
}

const hang = (signal: AbortSignal | undefined) =>
  new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));

describe('abortMeaning: the one rule', () => {
  it.each([
    ['a TimeoutError', timeoutReason(), undefined, undefined, 'timeout'],
    ['an AbortError', new DOMException('x', 'AbortError'), undefined, undefined, 'cancelled'],
    [
      'an AbortError caused by a TimeoutError',
      new Error('x', { cause: timeoutReason() }),
      undefined,
      undefined,
      'timeout',
    ],
    [
      'a CanceledError with a timeout reason on the signal',
      canceledError(),
      AbortSignal.abort(timeoutReason()),
      undefined,
      'timeout',
    ],
    [
      'a CanceledError with a plain abort',
      canceledError(),
      AbortSignal.abort(),
      undefined,
      'cancelled',
    ],
    [
      'any error after the caller aborted with a custom reason',
      new Error('x'),
      AbortSignal.abort(new Error('mine')),
      undefined,
      'cancelled',
    ],
    [
      "an AbortError of the client's own deadline signal",
      new DOMException('x', 'AbortError'),
      undefined,
      AbortSignal.abort(),
      'timeout',
    ],
    [
      "the caller's abort even when the client's signal aborted too",
      new DOMException('x', 'AbortError'),
      AbortSignal.abort(),
      AbortSignal.abort(),
      'cancelled',
    ],
    [
      'a network error',
      Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      undefined,
      undefined,
      undefined,
    ],
  ])('%s', (_, error, signal, deadline, meaning) => {
    expect(abortMeaning(error, signal, deadline)).toBe(meaning);
  });

  it('classifies the timeout reason when the client replaced it', () => {
    const reason = timeoutReason();
    expect(outcomeOfError(canceledError(), AbortSignal.abort(reason))).toEqual({
      kind: 'error',
      error: reason,
    });
    expect(outcomeOfError(canceledError(), AbortSignal.abort())).toBeUndefined();
  });
});

describe("execute() with the caller's AbortSignal.timeout()", () => {
  it('counts it as a timeout failure on the deadline path, and opens the breaker', async () => {
    const { breaker } = create();
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const call = breaker.execute(hang, { signal: controller.signal });
      controller.abort(timeoutReason());
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    }
    expect(breaker.snapshot().counters).toMatchObject({ failures: 3, timeouts: 3, released: 0 });
    expect(breaker.state).toBe('open');
  });

  it('counts it as a timeout failure on the permit path (with a context)', async () => {
    const { breaker } = create();
    const controller = new AbortController();
    const call = breaker.execute(hang, {
      signal: controller.signal,
      context: { method: 'POST', idempotent: false },
    });
    controller.abort(timeoutReason());
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(breaker.snapshot().counters).toMatchObject({ failures: 1, timeouts: 1, released: 0 });
  });

  it('counts a real AbortSignal.timeout() too', async () => {
    const { breaker } = create();
    await expect(breaker.execute(hang, { signal: AbortSignal.timeout(10) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(breaker.snapshot().counters.timeouts).toBe(1);
  });

  it("counts a client error that replaced the signal's timeout reason as a timeout", async () => {
    const { breaker } = create();
    const controller = new AbortController();
    const call = breaker.execute(
      (signal) =>
        new Promise<never>((_, reject) =>
          signal?.addEventListener('abort', () => reject(canceledError())),
        ),
      { signal: controller.signal, context: {} },
    );
    controller.abort(timeoutReason());
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(breaker.snapshot().counters).toMatchObject({ failures: 1, timeouts: 1 });
  });
});

describe('HttpGuard follows the same rule for hook adapters', () => {
  function guard() {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ defaults: { clock } });
    return { guard: new HttpGuard({ registry }), registry };
  }
  const post = { url: new URL('https://api.example.com/order'), method: 'POST' };

  it("records axios' CanceledError under AbortSignal.timeout() as a timeout, uncertain for a POST", () => {
    const { guard: g, registry } = guard();
    const failures: unknown[] = [];
    const signal = AbortSignal.abort(timeoutReason());
    const call = g.acquire(post, undefined, signal);
    if (!('permit' in call)) throw call;
    registry.get('https://api.example.com').on('failure', (event) => failures.push(event));
    const verdict = g.settle(call, { kind: 'error', error: canceledError() });
    expect(verdict).toMatchObject({
      verdict: 'failure',
      category: 'timeout',
      uncertainEffect: true,
    });
    expect(failures).toHaveLength(1);
  });

  it("reads the abort of a client's own deadline signal as a timeout, the caller's as a cancel", () => {
    const { guard: g, registry } = guard();
    const abortError = () => new DOMException('aborted', 'AbortError');
    const own = g.acquire(post, undefined, new AbortController().signal, AbortSignal.abort());
    if (!('permit' in own)) throw own;
    expect(g.settle(own, { kind: 'error', error: abortError() })?.category).toBe('timeout');
    const mine = g.acquire(post, undefined, AbortSignal.abort(), AbortSignal.abort());
    if (!('permit' in mine)) throw mine;
    expect(g.settle(mine, { kind: 'error', error: abortError() })).toBeUndefined();
    expect(registry.get('https://api.example.com').snapshot().counters).toMatchObject({
      timeouts: 1,
      released: 1,
    });
  });

  it('applies the rule inside execute() as well', async () => {
    const { guard: g, registry } = guard();
    const signal = AbortSignal.abort(timeoutReason());
    const get = { url: new URL('https://api.example.com/time'), method: 'GET' };
    await expect(
      g.execute(
        get,
        undefined,
        () => Promise.reject(canceledError()),
        fetchResponseAdapter,
        signal,
      ),
    ).rejects.toMatchObject({ name: 'CanceledError' });
    expect(registry.get('https://api.example.com').snapshot().counters.timeouts).toBe(1);
  });
});
