import {
  exponentialBackoff,
  ManualClock,
  MemoryStore,
  onErrorCode,
  success,
} from '@breakwater/core';
import CircuitBreaker from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { deferred, setup, track } from './helpers.ts';

/** An error as axios, got and ky shape one for an HTTP response. */
function httpError(status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    response: { status, headers },
  });
}

describe('options.breakwater: what Breakwater adds behind the opossum API', () => {
  it('classify: [] uses the core classifier: a 4xx counts as a success, a 5xx as a failure', async () => {
    let error = httpError(404);
    const { breaker, events } = setup(() => Promise.reject(error), {
      timeout: false,
      errorThresholdPercentage: 40,
      breakwater: { classify: [] },
    });
    breaker.fallback(() => 'fallback');
    await expect(breaker.fire()).rejects.toBe(error);
    expect(breaker.closed).toBe(true);
    error = httpError(502);
    await expect(breaker.fire()).resolves.toBe('fallback');
    expect(events).toEqual(['fire', 'success', 'fire', 'failure', 'open', 'fallback']);
    expect(breaker.breakwater.snapshot().counters).toMatchObject({ ignored: 1, failures: 1 });
  });

  it("opens at once on a 429's Retry-After and half-opens when it has passed", async () => {
    const { breaker, clock } = setup(
      () => Promise.reject(httpError(429, { 'retry-after': '120' })),
      {
        timeout: false,
        resetTimeout: 1_000,
        volumeThreshold: 100,
        breakwater: { classify: [] },
      },
    );
    const halfOpens: number[] = [];
    breaker.on('halfOpen', (ms) => halfOpens.push(ms));
    await breaker.fire().catch(() => undefined);
    expect(breaker.opened).toBe(true);
    const error = (await breaker.fire().catch((e: unknown) => e)) as {
      cause: { retryAfterMs: number };
    };
    expect(error.cause.retryAfterMs).toBe(120_000);
    await clock.advance(119_999);
    expect(breaker.opened).toBe(true);
    await clock.advance(1);
    expect(halfOpens).toEqual([120_000]);
  });

  it("classify tells a caller's abort (ignored) from a timeout (a failure); opossum counts both", async () => {
    const aborted = AbortSignal.abort().reason as DOMException;
    const controller = new AbortController();
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    const timedOut = controller.signal.reason as DOMException;
    for (const [classify, failures] of [
      [undefined, 2],
      [[], 1],
    ] as const) {
      let error: unknown = aborted;
      const { breaker } = setup(() => Promise.reject(error), {
        timeout: false,
        volumeThreshold: 10,
        ...(classify === undefined ? {} : { breakwater: { classify } }),
      });
      await expect(breaker.fire()).rejects.toBe(aborted);
      error = timedOut;
      await expect(breaker.fire()).rejects.toBe(timedOut);
      expect(breaker.stats.failures).toBe(failures);
    }
  });

  it('classify rules come first: a rule can count an error code as a success', async () => {
    const { breaker } = setup(
      () => Promise.reject(Object.assign(new Error('gone'), { code: 'ENOENT' })),
      { timeout: false, breakwater: { classify: onErrorCode('ENOENT', success()) } },
    );
    await breaker.fire().catch(() => undefined);
    expect(breaker.stats).toMatchObject({ successes: 1, failures: 0 });
  });

  it('halfOpen.maxProbes and successCount let several trial calls decide (opossum #613)', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    let next = 0;
    const { breaker, clock, events } = setup(() => gates[next++]!.promise, {
      timeout: false,
      resetTimeout: 1_000,
      breakwater: { halfOpen: { maxProbes: 2, successCount: 3 } },
    });
    breaker.open();
    await clock.advance(1_000);
    const first = breaker.fire();
    expect(breaker.pendingClose).toBe(true);
    const second = breaker.fire();
    expect(breaker.pendingClose).toBe(false);
    await expect(breaker.fire()).rejects.toThrow('Breaker is open');
    gates[0]!.resolve('a');
    gates[1]!.resolve('b');
    await Promise.all([first, second]);
    expect(breaker.halfOpen).toBe(true);
    const third = breaker.fire();
    gates[2]!.resolve('c');
    await third;
    expect(breaker.closed).toBe(true);
    expect(events.filter((e) => e === 'close' || e === 'halfOpen' || e === 'open')).toEqual([
      'open',
      'halfOpen',
      'close',
    ]);
  });

  it('openMs replaces resetTimeout with a backoff that grows with failed trials', async () => {
    const { breaker, clock } = setup(() => Promise.reject(new Error('down')), {
      timeout: false,
      breakwater: { openMs: exponentialBackoff({ initialMs: 1_000, factor: 2, maxMs: 60_000 }) },
    });
    const halfOpens: number[] = [];
    breaker.on('halfOpen', (ms) => halfOpens.push(ms));
    await breaker.fire().catch(() => undefined);
    await clock.advance(1_000);
    await breaker.fire().catch(() => undefined);
    await clock.advance(2_000);
    expect(halfOpens).toEqual([1_000, 2_000]);
  });

  it('store shares state: a breaker opened in one process opens its twin in another', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const options = { name: 'kraken', timeout: false as const, breakwater: { store, clock } };
    const here = track(new CircuitBreaker(() => Promise.reject(new Error('down')), options));
    const there = track(new CircuitBreaker(async () => 'ok', options));
    await Promise.all([here.breakwater.ready, there.breakwater.ready]);
    const opened: string[] = [];
    there.on('open', () => opened.push('there'));
    await here.fire().catch(() => undefined);
    await clock.advance(0);
    expect(opened).toEqual(['there']);
    expect(there.opened).toBe(true);
    await expect(there.fire()).rejects.toThrow('Breaker is open');
  });

  it('exposes the core breaker for its snapshot and events', async () => {
    const { breaker } = setup(async () => 1, { timeout: false, name: 'api' });
    const transitions: string[] = [];
    breaker.breakwater.on('stateChange', (e) => transitions.push(`${e.from}->${e.to}`));
    await breaker.fire();
    breaker.open();
    expect(breaker.breakwater.snapshot()).toMatchObject({
      name: 'api',
      state: 'open',
      counters: { calls: 1, successes: 1 },
      strategy: { type: 'opossum', errorThresholdPercentage: 50 },
    });
    expect(transitions).toEqual(['closed->open']);
  });
});
