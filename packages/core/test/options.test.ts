import { type BreakerOptions, BreakwaterConfigError, CircuitBreaker } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

const bad: Array<[string, unknown, string]> = [
  [
    'unknown key',
    { failureTreshold: 5 },
    'Unknown option `failureTreshold`: expected one of name, strategy',
  ],
  ['name empty', { name: '' }, 'Invalid option `name`: expected a non-empty string, received "".'],
  ['strategy type', { strategy: { type: 'sliding' } }, 'Invalid option `strategy.type`'],
  [
    'failureCount 0',
    { strategy: { type: 'consecutive', failureCount: 0 } },
    'Invalid option `strategy.failureCount`: expected an integer >= 1, received 0.',
  ],
  ['failureRate > 1', { strategy: { type: 'count', failureRate: 1.5 } }, '`strategy.failureRate`'],
  [
    'minCalls > callCount',
    { strategy: { type: 'count', callCount: 5, minCalls: 6 } },
    '`strategy.minCalls`',
  ],
  ['window 0', { strategy: { type: 'time', windowMs: 0 } }, '`strategy.windowMs`'],
  [
    'slowCallRate without slowCallMs',
    { strategy: { type: 'count', slowCallRate: 0.5 } },
    '`strategy.slowCallRate`',
  ],
  ['unknown strategy key', { strategy: { type: 'count', windowMs: 5 } }, '`strategy.windowMs`'],
  ['recovery negative', { openMs: -1 }, '`openMs`'],
  ['recovery object', { openMs: { ms: 5 } }, '`openMs`: expected milliseconds'],
  ['maxRecoveryAttempts 0', { maxRecoveryAttempts: 0 }, '`maxRecoveryAttempts`'],
  [
    'maxProbes 0',
    { halfOpen: { maxProbes: 0 } },
    'Invalid option `halfOpen.maxProbes`: expected an integer from 1 to 10000, received 0.',
  ],
  ['successCount 1.5', { halfOpen: { successCount: 1.5 } }, '`halfOpen.successCount`'],
  ['probeTimeoutMs NaN', { halfOpen: { probeTimeoutMs: Number.NaN } }, '`halfOpen.probeTimeoutMs`'],
  ['halfOpen unknown', { halfOpen: { probes: 2 } }, '`halfOpen.probes`'],
  ['maxRetryAfterMs negative', { maxRetryAfterMs: -1 }, '`maxRetryAfterMs`'],
  ['maxRetryAfterMs string', { maxRetryAfterMs: '100' }, 'received "100"'],
  ['classify not a function', { classify: [42] }, '`classify[0]`'],
  ['openOnRetryAfter', { openOnRetryAfter: 'yes' }, '`openOnRetryAfter`: expected true or false'],
  ['maxRetryAfterMs', { maxRetryAfterMs: -5 }, '`maxRetryAfterMs`'],
  ['trackLatency', { trackLatency: 1 }, '`trackLatency`'],
  ['clock', { clock: { now: () => 0 } }, '`clock`: expected a Clock'],
  ['onListenerError', { onListenerError: 'log' }, '`onListenerError`: expected a function'],
  ['store', { store: {} }, '`store`: expected a BreakerStore'],
  ['options not an object', 'fast', '`options`: expected an object'],
];

describe('option validation', () => {
  it.each(bad)('rejects %s with a message naming the option', (_, options, message) => {
    let error: unknown;
    try {
      new CircuitBreaker(options as BreakerOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BreakwaterConfigError);
    expect((error as Error).message).toContain(message);
  });

  it('accepts every option at once', () => {
    const breaker = new CircuitBreaker({
      name: 'https://api.kraken.com',
      strategy: { type: 'time', windowMs: 30_000, bucketCount: 6, failureRate: 0.3, minCalls: 5 },
      openMs: 2_000,
      maxRecoveryAttempts: 3,
      halfOpen: { maxProbes: 2, successCount: 2, probeTimeoutMs: 10_000 },
      classify: [],
      openOnRetryAfter: true,
      maxRetryAfterMs: 60_000,
      trackLatency: true,
      onListenerError: () => {},
    });
    expect(breaker.options).toMatchObject({
      maxProbes: 2,
      successCount: 2,
      maxRetryAfterMs: 60_000,
    });
    expect(Object.isFrozen(breaker.options)).toBe(true);
  });
});

describe('other constructors check their options too', () => {
  it('ManualClock rejects unknown and invalid options', async () => {
    const { ManualClock } = await import('@breakwater/core');
    expect(() => new ManualClock({ sead: 42 } as never)).toThrow(
      'Unknown option `sead` (did you mean `seed`?)',
    );
    expect(() => new ManualClock({ startMs: -1 })).toThrow('Invalid option `startMs`');
    expect(() => new ManualClock({ seed: 1.5 })).toThrow('Invalid option `seed`');
    expect(() => new ManualClock({ random: 1.5 as never })).toThrow('Invalid option `random`');
  });

  it('a custom strategy factory must return a whole BreakerStrategy', () => {
    expect(
      () => new CircuitBreaker({ strategy: () => ({ onSuccess: () => false }) as never }),
    ).toThrow('Invalid option `strategy`: expected a factory returning a BreakerStrategy');
  });
});

describe('breakers configured alike', () => {
  const peers = () => ({ strategy: { failureCount: 5 }, openMs: 10_000 });

  it('share one resolved options object, whichever object configured them', () => {
    const a = new CircuitBreaker({ name: 'a', ...peers() });
    const b = new CircuitBreaker({ name: 'b', ...peers() });
    const other = new CircuitBreaker({ name: 'c', strategy: { failureCount: 6 }, openMs: 10_000 });
    expect(a.options).toBe(b.options);
    expect(other.options).not.toBe(a.options);
    expect(other.options.strategy).toEqual({ failureCount: 6 });
  });

  it('still reject what is invalid, however often and after a valid twin', () => {
    new CircuitBreaker({ name: 'a', ...peers() });
    const unknown = {
      name: 'b',
      strategy: { failureCount: 5, failureTreshold: 1 },
      openMs: 10_000,
    };
    const invalid = { name: 'c', strategy: { failureCount: 0 }, openMs: 10_000 };
    for (let i = 0; i < 2; i++) {
      expect(() => new CircuitBreaker(unknown as BreakerOptions)).toThrow(BreakwaterConfigError);
      expect(() => new CircuitBreaker(invalid)).toThrow('`strategy.failureCount`');
    }
  });

  it('keep their state and reconfiguration apart', async () => {
    const a = new CircuitBreaker({ name: 'a', ...peers() });
    const b = new CircuitBreaker({ name: 'b', ...peers() });
    a.reconfigure({ openMs: 5_000 });
    await a.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    expect(b.options.openMs.describe()).toBe('constant(10000)');
    expect(a.options.openMs.describe()).toBe('constant(5000)');
    expect(b.snapshot().counters.failures).toBe(0);
    expect(a.snapshot().counters.failures).toBe(1);
  });
});
