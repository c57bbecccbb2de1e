import {
  BreakerOpenError,
  BreakwaterConfigError,
  type CallContext,
  CircuitBreaker,
  type FallbackPolicyOptions,
  fallback,
  ignore,
  ManualClock,
  type Policy,
  pipeline,
  TimeoutError,
  timeout,
  type Verdict,
} from '@breakwater/core';
import type { FallbackEvent, TimeoutExecuteOptions } from '@breakwater/core/adapter';
import { describe, expect, expectTypeOf, it } from 'vitest';

function resetError(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { response: { status, headers: {} } });
}

const fail = (error: unknown) => async (): Promise<string> => {
  throw error;
};

function setup(options: FallbackPolicyOptions) {
  const clock = new ManualClock();
  const policy = fallback({ clock, ...options });
  const events: FallbackEvent[] = [];
  policy.on('fallback', (event) => events.push(event));
  return { clock, policy, events };
}

describe('FallbackPolicy', () => {
  it('returns the result of a successful call untouched', async () => {
    const { policy, events } = setup({ value: 'fallback' });
    expect(await policy.execute(async () => 'live')).toBe('live');
    expect(events).toEqual([]);
  });

  it('returns the value instead of a failure', async () => {
    const { policy, events } = setup({ value: 0 });
    const result = await policy.execute(fail(resetError()));
    expect(result).toBe(0);
    expect(events).toEqual([{ reason: 'value', category: 'network' }]);
  });

  it('returns undefined when that is the value given', async () => {
    const { policy } = setup({ value: undefined });
    expect(await policy.execute(fail(resetError()))).toBeUndefined();
  });

  it('calls fn with the error and its verdict', async () => {
    const seen: [unknown, Verdict][] = [];
    const { policy } = setup({
      fn: async (error, verdict) => {
        seen.push([error, verdict]);
        return 'computed';
      },
    });
    const error = httpError(503);
    expect(await policy.execute(fail(error))).toBe('computed');
    expect(seen).toEqual([[error, { verdict: 'failure', category: 'server' }]]);
  });

  it('rejects with what fn throws', async () => {
    const replacement = new Error('no fallback either');
    const { policy } = setup({
      fn: () => {
        throw replacement;
      },
    });
    await expect(policy.execute(fail(resetError()))).rejects.toBe(replacement);
  });

  it('replaces the rejection of an open breaker', async () => {
    const { policy, events } = setup({ value: 'cached' });
    expect(await policy.execute(fail(BreakerOpenError.fast('api', 'open', 1_000)))).toBe('cached');
    expect(events).toEqual([{ reason: 'value', category: 'rejected' }]);
  });

  it('rethrows errors the classifier ignores, such as a 404', async () => {
    const { policy, events } = setup({ value: 'x' });
    const error = httpError(404);
    await expect(policy.execute(fail(error))).rejects.toBe(error);
    expect(events).toEqual([]);
  });

  it("never replaces the caller's abort", async () => {
    const { policy } = setup({ value: 'x', handles: () => true });
    const controller = new AbortController();
    const reason = new DOMException('stop', 'AbortError');
    const result = policy.execute(
      (signal) =>
        new Promise<string>((_, reject) =>
          signal!.addEventListener('abort', () => reject(signal!.reason)),
        ),
      { signal: controller.signal },
    );
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    await expect(policy.execute(async () => 'y', { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('lets handles choose the failures it replaces', async () => {
    const { policy } = setup({ value: 'x', handles: (verdict) => verdict.category === 'client' });
    expect(await policy.execute(fail(httpError(409)))).toBe('x');
    const error = resetError();
    await expect(policy.execute(fail(error))).rejects.toBe(error);
  });

  it('classifies with the rules it is given', async () => {
    const { policy } = setup({ value: 'x', classify: () => ignore('client') });
    const error = resetError();
    await expect(policy.execute(fail(error))).rejects.toBe(error);
  });

  it('replaces a call that misses the deadline of a breaker inside it', async () => {
    const { clock, policy } = setup({
      fn: (error) => (error instanceof TimeoutError ? 'late' : 'other'),
    });
    const inner = pipeline(new CircuitBreaker({ clock }), timeout(10_000, { clock }));
    const options: TimeoutExecuteOptions = { timeoutMs: 500 };
    const result = policy.execute(
      (signal) => inner.execute(() => new Promise<string>(() => {}), { ...options, signal }),
      options,
    );
    // Only the inner deadline runs: the fallback policy sets no timer of its own.
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(500);
    expect(await result).toBe('late');
    expect(clock.pendingTimers).toBe(0);
  });

  describe('staleIfError', () => {
    const byEndpoint = (context: CallContext | undefined) => context?.endpoint ?? '';

    it('serves the last good result of the same key while it is young enough', async () => {
      const { clock, policy, events } = setup({
        staleIfError: { maxAgeMs: 60_000, key: byEndpoint },
      });
      const btc = { context: { endpoint: 'ticker/BTC' } };
      const eth = { context: { endpoint: 'ticker/ETH', key: 'https://api.example.com' } };
      await policy.execute(async () => 'btc 1', btc);
      await policy.execute(async () => 'eth 1', eth);
      await policy.execute(async () => 'btc 2', btc);
      await clock.advance(60_000);
      expect(await policy.execute(fail(resetError()), btc)).toBe('btc 2');
      expect(await policy.execute(fail(resetError()), eth)).toBe('eth 1');
      expect(events).toEqual([
        { reason: 'stale', category: 'network', ageMs: 60_000 },
        { reason: 'stale', category: 'network', ageMs: 60_000, key: 'https://api.example.com' },
      ]);
    });

    it('rethrows once the kept result is older than maxAgeMs, when there is no value', async () => {
      const { clock, policy } = setup({ staleIfError: { maxAgeMs: 1_000, key: byEndpoint } });
      await policy.execute(async () => 'old');
      await clock.advance(1_001);
      const error = resetError();
      await expect(policy.execute(fail(error))).rejects.toBe(error);
    });

    it('falls back to the value when there is no fresh result', async () => {
      const { clock, policy, events } = setup({
        value: 'default',
        staleIfError: { maxAgeMs: 1_000, key: byEndpoint },
      });
      expect(await policy.execute(fail(resetError()))).toBe('default');
      await policy.execute(async () => 'good');
      expect(await policy.execute(fail(resetError()))).toBe('good');
      await clock.advance(2_000);
      expect(await policy.execute(fail(resetError()))).toBe('default');
      expect(events.map((event) => event.reason)).toEqual(['value', 'stale', 'value']);
    });

    it('keeps at most maxEntries results, dropping the least recently stored', async () => {
      const { policy } = setup({
        value: 'none',
        staleIfError: { maxAgeMs: 60_000, key: byEndpoint, maxEntries: 2 },
      });
      const call = (endpoint: string, value: string) =>
        policy.execute(async () => value, { context: { endpoint } });
      await call('a', 'A');
      await call('b', 'B');
      await call('a', 'A2');
      await call('c', 'C');
      const failed = (endpoint: string) =>
        policy.execute(fail(resetError()), { context: { endpoint } });
      expect(await failed('a')).toBe('A2');
      expect(await failed('b')).toBe('none');
      expect(await failed('c')).toBe('C');
    });

    it('serves nothing for errors it does not handle', async () => {
      const { policy } = setup({ staleIfError: { maxAgeMs: 60_000, key: byEndpoint } });
      await policy.execute(async () => 'good');
      const error = httpError(401);
      await expect(policy.execute(fail(error))).rejects.toBe(error);
    });
  });

  it('is a Policy, typed by the call it runs', () => {
    const policy = fallback({ value: 'unavailable' });
    expectTypeOf(policy).toExtend<Policy>();
    expectTypeOf(policy.execute(async () => 'text')).toEqualTypeOf<Promise<string>>();
  });

  it('validates its options at construction', () => {
    expect(() => fallback({} as never)).toThrow(/`value`: expected one of `value`, `fn`/);
    expect(() => fallback({ value: 1, fn: () => 2 })).toThrow(/`fn`/);
    expect(() => fallback({ value: 1, vaule: 2 } as never)).toThrow(/`vaule`/);
    expect(() => fallback({ fn: 'x' as never })).toThrow(/`fn`/);
    expect(() => fallback({ value: 1, handles: 1 as never })).toThrow(/`handles`/);
    expect(() => fallback({ staleIfError: { maxAgeMs: 1_000 } as never })).toThrow(
      /`staleIfError.key`/,
    );
    expect(() => fallback({ staleIfError: { maxAgeMs: -1, key: () => '' } })).toThrow(
      /`staleIfError.maxAgeMs`/,
    );
    expect(() => fallback({ staleIfError: { maxAgeMs: 1, key: () => '', maxEntries: 0 } })).toThrow(
      BreakwaterConfigError,
    );
    expect(() =>
      fallback({ staleIfError: { maxAgeMs: 1, key: () => '', ttl: 1 } as never }),
    ).toThrow(/`staleIfError.ttl`/);
  });
});
