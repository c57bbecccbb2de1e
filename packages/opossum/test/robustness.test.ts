import { isBreakwaterConfigError } from '@breakwater/core';
import type { CacheTransport } from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers.ts';

/** User code that throws where the breaker calls it: the call settles, the breaker holds. */
describe('user code that throws', () => {
  it("rejects the call with cacheGetKey's error instead of throwing out of fire()", async () => {
    const { breaker } = setup(async (_n: bigint) => 1, { cache: true, timeout: false });
    // JSON.stringify, the default key, throws on a BigInt.
    const call = breaker.fire(1n);
    await expect(call).rejects.toThrow(TypeError);
    expect(breaker.closed).toBe(true);
    expect(breaker.stats).toMatchObject({ fires: 1, failures: 0 });
  });

  it('calls the action when the cache transport throws on get(), and reports the error', async () => {
    const reported: unknown[] = [];
    const transport: CacheTransport = {
      get: () => {
        throw new Error('cache down');
      },
      set: () => undefined,
      flush: () => undefined,
    };
    const { breaker } = setup(async () => 'fresh', {
      cache: true,
      cacheTransport: transport,
      timeout: false,
      breakwater: { onListenerError: (error, source) => reported.push([source, error]) },
    });
    await expect(breaker.fire()).resolves.toBe('fresh');
    expect(breaker.stats).toMatchObject({ cacheMisses: 1, successes: 1 });
    expect(reported).toEqual([['cacheTransport', new Error('cache down')]]);
  });

  it('resolves the call when the cache transport throws on set(), and reports the error', async () => {
    const reported: unknown[] = [];
    const transport: CacheTransport = {
      get: () => undefined,
      set: () => {
        throw new Error('cache full');
      },
      flush: () => undefined,
    };
    for (const timeout of [false, 1_000] as const) {
      const { breaker } = setup(async () => 'value', {
        cache: true,
        cacheTransport: transport,
        timeout,
        breakwater: { onListenerError: (error) => reported.push(error) },
      });
      await expect(breaker.fire()).resolves.toBe('value');
    }
    expect(reported).toEqual([new Error('cache full'), new Error('cache full')]);
  });

  it('refuses a fallback that is neither a function nor a breaker, naming it', () => {
    const { breaker } = setup(async () => 1);
    let thrown: unknown;
    try {
      breaker.fallback('use cache' as never);
    } catch (error) {
      thrown = error;
    }
    expect(isBreakwaterConfigError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('`fallback`');
  });
});

describe('clock steps', () => {
  it.each([
    ['back', -3_600_000],
    ['forward', 3_600_000],
  ])(
    'a wall clock stepped %s an hour neither stretches nor ends the open period',
    async (_d, ms) => {
      const { breaker, clock, events } = setup(async () => 'ok', { resetTimeout: 1_000 });
      breaker.open();
      clock.setNow(clock.now() + ms);
      await expect(breaker.fire()).rejects.toThrow('Breaker is open');
      await clock.advance(999);
      expect(breaker.opened).toBe(true);
      await clock.advance(1);
      await expect(breaker.fire()).resolves.toBe('ok');
      expect(events.filter((e) => e !== 'fire' && e !== 'reject')).toEqual([
        'open',
        'halfOpen',
        'close',
        'success',
      ]);
    },
  );
});
