import {
  BreakerOpenError,
  CircuitBreaker,
  constantBackoff,
  decorrelatedJitterBackoff,
  exponentialBackoff,
  fibonacciBackoff,
  linearBackoff,
  ManualClock,
  MemoryStore,
  pipeline,
  redactError,
  timeout,
} from '@breakwater/core';
import { describe, expect, it } from 'vitest';

describe('options are checked once and fully', () => {
  it('rejects unknown keys in backoff factories, with a suggestion', () => {
    expect(() => constantBackoff(100, { jiter: 0.5 } as never)).toThrow(
      'Unknown option `jiter` (did you mean `jitter`?): expected one of jitter.',
    );
    expect(() => exponentialBackoff({ intialMs: 5 } as never)).toThrow('did you mean `initialMs`?');
  });

  it('defaults maxMs to at least initialMs', () => {
    for (const make of [
      exponentialBackoff,
      linearBackoff,
      fibonacciBackoff,
      decorrelatedJitterBackoff,
    ]) {
      const backoff = make({ initialMs: 60_000 });
      expect(backoff.delayMs(0, 0, () => 0.5)).toBe(60_000);
    }
  });

  it('refuses the options reconfigure() cannot change, and changes nothing then', () => {
    const breaker = new CircuitBreaker({ name: 'a', clock: new ManualClock() });
    expect(() => breaker.reconfigure({ name: 'b' } as never)).toThrow('Invalid option `name`');
    expect(() => breaker.reconfigure({ store: new MemoryStore() } as never)).toThrow(
      'Invalid option `store`',
    );
    expect(() => breaker.reconfigure({ initialState: breaker.toJSON() } as never)).toThrow(
      'Invalid option `initialState`',
    );
    expect(() => breaker.reconfigure({ halfOpen: 3 } as never)).toThrow(
      'Invalid option `halfOpen`',
    );
    expect(() => breaker.reconfigure({ openM: 5 } as never)).toThrow('did you mean `openMs`?');
    expect(breaker.name).toBe('a');
  });

  it('applies one rule to every timeoutMs: 1 to 2^31 - 1, or Infinity for none', async () => {
    expect(() => timeout(3e9)).toThrow('Invalid option `timeoutMs`');
    const breaker = pipeline(new CircuitBreaker(), timeout(Infinity));
    await expect(timeout(10).execute(() => Promise.resolve(1), { timeoutMs: 3e9 })).rejects.toThrow(
      'Invalid option `timeoutMs`',
    );
    await expect(breaker.execute(() => Promise.resolve(1), { timeoutMs: 3e9 })).rejects.toThrow(
      'Invalid option `timeoutMs`',
    );
    await expect(breaker.execute(() => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('errors survive being copied and never keep a credential', () => {
  it('keeps the message of a BreakerOpenError through structuredClone', () => {
    const error = BreakerOpenError.fast('https://api.kraken.com', 'open', 1_500);
    expect(structuredClone(error).message).toBe(
      'Breaker "https://api.kraken.com" is open; retry after 1500 ms.',
    );
  });

  it.each([
    'Authorization: Token abc123short',
    'authorization=Token abc123short',
    'Authorization: Bearer abc123short',
    'Authorization: abc123short',
    'header Authorization: Digest username="u", response="abc123short"',
  ])('redacts the credential in %j', (text) => {
    expect(redactError(new Error(text)).message).not.toContain('abc123short');
  });
});
