import { isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import CircuitBreaker from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { setup, track } from './helpers.ts';

const ok = async () => 'ok';

describe('options and defaults', () => {
  it("applies opossum's defaults", () => {
    const { breaker } = setup(ok);
    expect(breaker.options).toMatchObject({
      timeout: 10_000,
      resetTimeout: 30_000,
      errorThresholdPercentage: 50,
      rollingCountTimeout: 10_000,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: true,
      capacity: Number.MAX_SAFE_INTEGER,
      enabled: true,
      allowWarmUp: false,
      volumeThreshold: 0,
      cache: false,
      cacheTTL: 0,
      coalesce: false,
      coalesceTTL: 10_000,
      coalesceResetOn: [],
      enableSnapshots: true,
      autoRenewAbortController: false,
    });
    expect(breaker.volumeThreshold).toBe(0);
    expect(breaker.enabled).toBe(true);
    expect(breaker.warmUp).toBe(false);
  });

  it('reads options once and never writes to the object it was given', () => {
    const options = { timeout: 500, errorThresholdPercentage: 20 };
    const breaker = track(new CircuitBreaker(ok, options));
    expect(options).toEqual({ timeout: 500, errorThresholdPercentage: 20 });
    expect(Object.isFrozen(breaker.options)).toBe(true);
  });

  it('treats timeout false and 0 as no timeout, and coalesces for ever then', () => {
    for (const timeout of [false, 0] as const) {
      const { breaker } = setup(ok, { timeout });
      expect(breaker.options.timeout).toBe(false);
      expect(breaker.options.coalesceTTL).toBe(0);
    }
  });

  it('is named after options.name, else the action, else a UUID; the group defaults to it', () => {
    async function getTicker() {
      return 1;
    }
    expect(setup(ok, { name: 'kraken' }).breaker.name).toBe('kraken');
    expect(setup(getTicker).breaker.name).toBe('getTicker');
    const anonymous = setup(() => Promise.resolve(1)).breaker;
    expect(anonymous.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
    expect(anonymous.group).toBe(anonymous.name);
    expect(setup(ok, { name: 'a', group: 'exchanges' }).breaker.group).toBe('exchanges');
  });

  it('gives the core breaker the same name', () => {
    expect(setup(ok, { name: 'kraken' }).breaker.breakwater.name).toBe('kraken');
  });

  it('accepts a value instead of an action, as opossum does', async () => {
    const breaker = track(new CircuitBreaker<[], number>(42, { timeout: false }));
    await expect(breaker.fire()).resolves.toBe(42);
  });
});

describe('bad options', () => {
  it("throws opossum's TypeErrors where opossum does", () => {
    expect(() => new CircuitBreaker(undefined as never)).toThrow(
      new TypeError(
        'No action provided. Cannot construct a CircuitBreaker without an invocable action.',
      ),
    );
    expect(
      () => new CircuitBreaker(ok, { cache: true, cacheTransport: { get() {} } as never }),
    ).toThrow(
      new TypeError(
        'options.cacheTransport should be an object with `get`, `set` and `flush` methods',
      ),
    );
    expect(() => new CircuitBreaker(ok, { abortController: {} as AbortController })).toThrow(
      new TypeError('AbortController does not contain `abort()` method'),
    );
  });

  it.each([
    [{ timeout: -1 }, 'timeout', 'received -1'],
    [{ timeout: Number.NaN }, 'timeout', 'received NaN'],
    [{ resetTimeout: -5 }, 'resetTimeout', 'received -5'],
    [{ errorThresholdPercentage: 150 }, 'errorThresholdPercentage', 'from 0 to 100'],
    [{ rollingCountBuckets: 0 }, 'rollingCountBuckets', 'received 0'],
    [{ rollingCountTimeout: 10, rollingCountBuckets: 20 }, 'rollingCountBuckets', 'from 1 to 10'],
    [{ capacity: 1.5 }, 'capacity', 'an integer'],
    [{ volumeThreshold: -1 }, 'volumeThreshold', 'an integer'],
    [{ coalesceResetOn: ['failure'] }, 'coalesceResetOn[0]', "'error', 'success', 'timeout'"],
    [{ resetTimout: 1000 }, 'resetTimout', 'one of timeout, resetTimeout'],
    [{ breakwater: { retries: 3 } }, 'breakwater.retries', 'one of classify'],
    [{ breakwater: { halfOpen: { maxProbes: 0 } } }, 'breakwater.halfOpen.maxProbes', 'received 0'],
    [{ breakwater: { clock: {} } }, 'breakwater.clock', 'a Clock'],
  ])('rejects %o naming `%s`', (options, option, detail) => {
    let thrown: unknown;
    try {
      new CircuitBreaker(ok, options as never);
    } catch (error) {
      thrown = error;
    }
    expect(isBreakwaterConfigError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(`\`${option}\``);
    expect((thrown as Error).message).toContain(detail);
  });

  it('validates newStatus options the same way', () => {
    expect(() => CircuitBreaker.newStatus({ rollingCountBuckets: -1 })).toThrow(
      /rollingCountBuckets/,
    );
    const clock = new ManualClock();
    expect(CircuitBreaker.newStatus({ clock }).stats.fires).toBe(0);
  });
});
