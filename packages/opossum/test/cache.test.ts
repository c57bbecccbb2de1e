import type { CacheTransport, CoalesceResetEvent } from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { deferred, setup } from './helpers.ts';

function counting() {
  const calls: unknown[][] = [];
  const action = async (...args: unknown[]) => {
    calls.push(args);
    return `result ${calls.length}`;
  };
  return { calls, action };
}

describe('cache', () => {
  it('answers later calls with the first success, per key, and counts hits and misses', async () => {
    const { calls, action } = counting();
    const { breaker, events } = setup(action, { cache: true, timeout: false });
    await expect(breaker.fire('a')).resolves.toBe('result 1');
    await expect(breaker.fire('a')).resolves.toBe('result 1');
    await expect(breaker.fire('b')).resolves.toBe('result 2');
    expect(calls).toEqual([['a'], ['b']]);
    expect(events).toEqual([
      'fire',
      'cacheMiss',
      'success',
      'fire',
      'cacheHit',
      'fire',
      'cacheMiss',
      'success',
    ]);
    expect(breaker.stats).toMatchObject({ cacheHits: 1, cacheMisses: 2, fires: 3, successes: 2 });
  });

  it('expires entries after cacheTTL, and clearCache() empties it', async () => {
    const { calls, action } = counting();
    const { breaker, clock } = setup(action, { cache: true, cacheTTL: 1_000, timeout: false });
    await breaker.fire();
    await clock.advance(999);
    await expect(breaker.fire()).resolves.toBe('result 1');
    await clock.advance(1);
    await expect(breaker.fire()).resolves.toBe('result 2');
    breaker.clearCache();
    await expect(breaker.fire()).resolves.toBe('result 3');
    expect(calls).toHaveLength(3);
  });

  it('keys entries with cacheGetKey, called with the arguments and the breaker as `this`', async () => {
    const { calls, action } = counting();
    const { breaker } = setup(action, {
      cache: true,
      timeout: false,
      cacheGetKey(this: unknown, id: unknown) {
        expect(this).toBe(breaker);
        return String(id).toLowerCase();
      },
    });
    await breaker.fire('A');
    await breaker.fire('a');
    expect(calls).toHaveLength(1);
  });

  it('stores the promise in a custom cacheTransport with an epoch expiry (0 for none)', async () => {
    const stored: unknown[] = [];
    const transport: CacheTransport = {
      get: () => undefined,
      set: (key, value, ttl) => stored.push([key, value, ttl]),
      flush: () => stored.push('flush'),
    };
    const { breaker, clock } = setup(async (_id: number) => 'v', {
      cache: true,
      cacheTransport: transport,
      cacheTTL: 60_000,
      timeout: false,
    });
    await breaker.fire(1);
    breaker.clearCache();
    expect(stored).toEqual([['[1]', expect.any(Promise), clock.now() + 60_000], 'flush']);
    await expect((stored[0] as unknown[])[1]).resolves.toBe('v');
  });

  it('holds at most cacheSize keys, forgetting the oldest, under tens of thousands of keys', async () => {
    const { calls, action } = counting();
    const { breaker } = setup(action, { cache: true, cacheSize: 100, timeout: false });
    for (let key = 0; key < 20_000; key++) await breaker.fire(key);
    await breaker.fire(19_999);
    await breaker.fire(19_900);
    expect(calls).toHaveLength(20_000);
    await breaker.fire(0);
    expect(calls).toHaveLength(20_001);
  });

  it('does not cache failures, and serves cached results while open', async () => {
    let fail = true;
    const { breaker } = setup(
      async () => {
        if (fail) throw new Error('boom');
        return 'fresh';
      },
      { cache: true, timeout: false, resetTimeout: 100 },
    );
    await expect(breaker.fire()).rejects.toThrow('boom');
    breaker.close();
    fail = false;
    await expect(breaker.fire()).resolves.toBe('fresh');
    breaker.open();
    await expect(breaker.fire()).resolves.toBe('fresh');
  });
});

describe('coalesce', () => {
  it('shares one in-flight call among callers with the same key', async () => {
    const gate = deferred<string>();
    const calls: unknown[] = [];
    const { breaker, events } = setup(
      (id: string) => {
        calls.push(id);
        return gate.promise;
      },
      { coalesce: true, timeout: false },
    );
    const first = breaker.fire('x');
    const second = breaker.fire('x');
    gate.resolve('shared');
    await expect(Promise.all([first, second])).resolves.toEqual(['shared', 'shared']);
    expect(calls).toEqual(['x']);
    expect(events).toEqual(['fire', 'coalesceCacheMiss', 'fire', 'coalesceCacheHit', 'success']);
    expect(breaker.stats).toMatchObject({ coalesceCacheHits: 1, coalesceCacheMisses: 1 });
  });

  it('keeps sharing a settled call for coalesceTTL (default: the timeout)', async () => {
    const calls: unknown[] = [];
    const { breaker, clock } = setup(
      async () => {
        calls.push(1);
        return calls.length;
      },
      { coalesce: true, timeout: 500 },
    );
    await breaker.fire();
    await clock.advance(499);
    await expect(breaker.fire()).resolves.toBe(1);
    await clock.advance(1);
    await expect(breaker.fire()).resolves.toBe(2);
  });

  it.each<[CoalesceResetEvent, () => Promise<string>]>([
    ['success', async () => 'ok'],
    ['error', async () => Promise.reject(new Error('boom'))],
  ])('forgets a call at once on %s when coalesceResetOn says so', async (event, action) => {
    let calls = 0;
    const { breaker } = setup(
      () => {
        calls++;
        return action();
      },
      { coalesce: true, coalesceResetOn: [event], timeout: false, volumeThreshold: 10 },
    );
    await breaker.fire().catch(() => undefined);
    await breaker.fire().catch(() => undefined);
    expect(calls).toBe(2);
  });

  it('forgets a timed-out call on timeout when coalesceResetOn says so', async () => {
    let calls = 0;
    const { breaker, clock } = setup(
      () => {
        calls++;
        return new Promise<never>(() => undefined);
      },
      { coalesce: true, coalesceResetOn: ['timeout'], timeout: 10, volumeThreshold: 10 },
    );
    const first = breaker.fire().catch(() => undefined);
    await clock.advance(10);
    await first;
    const second = breaker.fire().catch(() => undefined);
    await clock.advance(10);
    await second;
    expect(calls).toBe(2);
  });
});
