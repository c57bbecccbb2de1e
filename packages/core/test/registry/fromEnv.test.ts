import {
  type Backoff,
  BreakwaterConfigError,
  breakerOptionsFromEnv,
  CircuitBreaker,
  isBreakwaterConfigError,
  ManualClock,
  registryFromEnv,
} from '@breakwater/core';
import type { Env } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

function delays(openMs: unknown, count: number): number[] {
  const backoff = openMs as Backoff;
  const out: number[] = [];
  let previous = 0;
  for (let attempt = 0; attempt < count; attempt++) {
    previous = backoff.delayMs(attempt, previous, () => 0.5);
    out.push(previous);
  }
  return out;
}

function errorOf(env: Env, prefix?: string): BreakwaterConfigError {
  try {
    breakerOptionsFromEnv(env, prefix);
  } catch (error) {
    if (isBreakwaterConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a BreakwaterConfigError');
}

describe('breakerOptionsFromEnv', () => {
  it('returns enabled and no options for an environment without BREAKWATER_ variables', () => {
    expect(breakerOptionsFromEnv({})).toEqual({ enabled: true, options: {} });
    expect(
      breakerOptionsFromEnv({ PATH: '/usr/bin', MY_BREAKWATER_X: '1', breakwater_enabled: 'x' }),
    ).toEqual({ enabled: true, options: {} });
  });

  it('reads BREAKWATER_ENABLED in every spelling', () => {
    const cases: [string, boolean][] = [
      ['true', true],
      ['1', true],
      ['yes', true],
      ['on', true],
      ['TRUE', true],
      [' On ', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['off', false],
      ['False', false],
    ];
    for (const [value, enabled] of cases) {
      expect(breakerOptionsFromEnv({ BREAKWATER_ENABLED: value })).toEqual({
        enabled,
        options: {},
      });
    }
  });

  it('reads BREAKWATER_FAILURE_COUNT as the consecutive strategy', () => {
    expect(breakerOptionsFromEnv({ BREAKWATER_FAILURE_COUNT: '3' }).options).toEqual({
      strategy: { type: 'consecutive', failureCount: 3 },
    });
    expect(
      breakerOptionsFromEnv({ BREAKWATER_STRATEGY: 'consecutive', BREAKWATER_FAILURE_COUNT: '3' })
        .options,
    ).toEqual({ strategy: { type: 'consecutive', failureCount: 3 } });
  });

  it('reads the count strategy and its thresholds', () => {
    const { options } = breakerOptionsFromEnv({
      BREAKWATER_STRATEGY: 'count',
      BREAKWATER_WINDOW_CALL_COUNT: '50',
      BREAKWATER_FAILURE_RATE: '0.25',
      BREAKWATER_MIN_CALLS: '20',
      BREAKWATER_SLOW_CALL_MS: '1500',
      BREAKWATER_SLOW_CALL_RATE: '0.8',
    });
    expect(options).toEqual({
      strategy: {
        type: 'count',
        callCount: 50,
        failureRate: 0.25,
        minCalls: 20,
        slowCallMs: 1_500,
        slowCallRate: 0.8,
      },
    });
    const breaker = new CircuitBreaker({ ...options, name: 'api' });
    expect(breaker.snapshot().strategy).toMatchObject({
      type: 'count',
      callCount: 50,
      minCalls: 20,
    });
  });

  it('reads the time strategy with its window and buckets', () => {
    const { options } = breakerOptionsFromEnv({
      BREAKWATER_STRATEGY: 'time',
      BREAKWATER_WINDOW_MS: '30_000',
      BREAKWATER_BUCKET_COUNT: '6',
      BREAKWATER_FAILURE_RATE: '.5',
    });
    expect(options.strategy).toEqual({
      type: 'time',
      windowMs: 30_000,
      bucketCount: 6,
      failureRate: 0.5,
    });
  });

  it('reads the strategy type alone', () => {
    expect(breakerOptionsFromEnv({ BREAKWATER_STRATEGY: 'count' }).options).toEqual({
      strategy: { type: 'count' },
    });
  });

  it('reads BREAKWATER_OPEN_MS alone as a constant recovery', () => {
    expect(breakerOptionsFromEnv({ BREAKWATER_OPEN_MS: '5000' }).options).toEqual({
      openMs: 5_000,
    });
  });

  it('reads an exponential recovery', () => {
    const { options } = breakerOptionsFromEnv({
      BREAKWATER_OPEN_MS: '100',
      BREAKWATER_OPEN_FACTOR: '3',
      BREAKWATER_OPEN_MAX_MS: '1000',
      BREAKWATER_OPEN_JITTER: '0',
    });
    expect(delays(options.openMs, 4)).toEqual([100, 300, 900, 1_000]);
    const full = breakerOptionsFromEnv({ BREAKWATER_OPEN_JITTER: 'full' }).options;
    // Unset parts take the default recovery's: 10 s, × 2, max 300 s.
    expect(delays(full.openMs, 2)).toEqual([5_000, 10_000]);
    const capped = breakerOptionsFromEnv({ BREAKWATER_OPEN_MAX_MS: '15000' }).options;
    expect((capped.openMs as Backoff).describe()).toBe(
      'exponential(10000×2, max 15000, jitter 0.1)',
    );
    const long = breakerOptionsFromEnv({
      BREAKWATER_OPEN_MS: '600000',
      BREAKWATER_OPEN_FACTOR: '1',
    }).options;
    expect((long.openMs as Backoff).describe()).toBe(
      'exponential(600000×1, max 600000, jitter 0.1)',
    );
  });

  it('reads every other variable into its option', () => {
    const { options } = breakerOptionsFromEnv({
      BREAKWATER_MAX_RECOVERY_ATTEMPTS: '4',
      BREAKWATER_HALF_OPEN_MAX_PROBES: '2',
      BREAKWATER_HALF_OPEN_SUCCESS_COUNT: '3',
      BREAKWATER_HALF_OPEN_PROBE_TIMEOUT_MS: '9000',
      BREAKWATER_MAX_RETRY_AFTER_MS: '60000',
      BREAKWATER_OPEN_ON_RETRY_AFTER: 'off',
      BREAKWATER_TRACK_LATENCY: 'yes',
    });
    expect(options).toEqual({
      maxRecoveryAttempts: 4,
      halfOpen: { maxProbes: 2, successCount: 3, probeTimeoutMs: 9_000 },
      maxRetryAfterMs: 60_000,
      openOnRetryAfter: false,
      trackLatency: true,
    });
    const breaker = new CircuitBreaker({ ...options, name: 'api' });
    expect(breaker.options).toMatchObject({
      maxProbes: 2,
      successCount: 3,
      maxRetryAfterMs: 60_000,
    });
    expect(breakerOptionsFromEnv({ BREAKWATER_MAX_RECOVERY_ATTEMPTS: 'Infinity' }).options).toEqual(
      { maxRecoveryAttempts: Infinity },
    );
  });

  it('treats empty variables as unset and trims values', () => {
    expect(
      breakerOptionsFromEnv({
        BREAKWATER_MAX_RETRY_AFTER_MS: '',
        BREAKWATER_ENABLED: '  ',
        BREAKWATER_FAILURE_COUNT: ' 2 ',
        BREAKWATER_OPEN_MS: undefined,
      }),
    ).toEqual({ enabled: true, options: { strategy: { type: 'consecutive', failureCount: 2 } } });
  });

  it('reads variables with another prefix', () => {
    expect(
      breakerOptionsFromEnv({ APP_CB_MAX_RETRY_AFTER_MS: '10', BREAKWATER_TYPO: 'x' }, 'APP_CB_'),
    ).toEqual({ enabled: true, options: { maxRetryAfterMs: 10 } });
    expect(errorOf({ APP_CB_TYPO: '1' }, 'APP_CB_').message).toContain('one of APP_CB_ENABLED,');
  });

  it('rejects a bad value with an error naming the variable and the raw value', () => {
    const error = errorOf({ BREAKWATER_FAILURE_COUNT: 'five' });
    expect(error).toBeInstanceOf(BreakwaterConfigError);
    expect(error.option).toBe('BREAKWATER_FAILURE_COUNT');
    expect(error.message).toBe(
      'Invalid option `BREAKWATER_FAILURE_COUNT`: expected an integer >= 1, received "five".',
    );
  });

  it.each([
    ['ENABLED', 'maybe', 'true, false, 1, 0, yes, no, on or off'],
    ['STRATEGY', 'fast', "one of 'consecutive', 'count', 'time'"],
    ['FAILURE_COUNT', '0', 'an integer >= 1'],
    ['FAILURE_COUNT', '1.5', 'an integer >= 1'],
    ['OPEN_MS', '-1', 'a finite number >= 0'],
    ['OPEN_MS', '10s', 'a finite number >= 0'],
    ['OPEN_MAX_MS', 'NaN', 'a finite number >= 0'],
    ['OPEN_FACTOR', '0.5', 'a finite number >= 1'],
    ['OPEN_JITTER', '2', "a ratio from 0 to 1, 'full' or 'equal'"],
    ['MAX_RECOVERY_ATTEMPTS', '0', 'an integer from 1 to Infinity'],
    ['HALF_OPEN_MAX_PROBES', '0', 'an integer from 1 to 10000'],
    ['HALF_OPEN_SUCCESS_COUNT', 'two', 'an integer from 1 to 10000'],
    ['HALF_OPEN_PROBE_TIMEOUT_MS', '0', 'a finite number >= 1'],
    ['MAX_RETRY_AFTER_MS', 'Infinity', 'a finite number >= 0'],
    ['MAX_RETRY_AFTER_MS', '1__0', 'a finite number >= 0'],
    ['MAX_RETRY_AFTER_MS', '-5', 'a finite number >= 0'],
    ['OPEN_ON_RETRY_AFTER', 'sometimes', 'true, false, 1, 0, yes, no, on or off'],
    ['TRACK_LATENCY', '2', 'true, false, 1, 0, yes, no, on or off'],
  ])('rejects BREAKWATER_%s=%s', (name, value, expected) => {
    const error = errorOf({ [`BREAKWATER_${name}`]: value });
    expect(error.option).toBe(`BREAKWATER_${name}`);
    expect(error.message).toBe(
      `Invalid option \`BREAKWATER_${name}\`: expected ${expected}, received "${value}".`,
    );
  });

  it.each([
    ['FAILURE_RATE', '1.5', 'a ratio above 0 to 1'],
    ['FAILURE_RATE', '0', 'a ratio above 0 to 1'],
    ['MIN_CALLS', '0', 'an integer >= 1'],
    ['SLOW_CALL_MS', '-1', 'a finite number >= 0'],
    ['WINDOW_MS', '0', 'a finite number >= 1'],
    ['BUCKET_COUNT', '0', 'an integer from 1 to 10000'],
  ])('rejects BREAKWATER_%s=%s with the time strategy', (name, value, expected) => {
    const error = errorOf({ BREAKWATER_STRATEGY: 'time', [`BREAKWATER_${name}`]: value });
    expect(error.message).toBe(
      `Invalid option \`BREAKWATER_${name}\`: expected ${expected}, received "${value}".`,
    );
  });

  it('rejects BREAKWATER_WINDOW_CALL_COUNT and BREAKWATER_SLOW_CALL_RATE out of range', () => {
    expect(
      errorOf({ BREAKWATER_STRATEGY: 'count', BREAKWATER_WINDOW_CALL_COUNT: '0' }).message,
    ).toBe(
      'Invalid option `BREAKWATER_WINDOW_CALL_COUNT`: expected an integer from 1 to 1000000, received "0".',
    );
    expect(
      errorOf({
        BREAKWATER_STRATEGY: 'count',
        BREAKWATER_SLOW_CALL_MS: '100',
        BREAKWATER_SLOW_CALL_RATE: '2',
      }).option,
    ).toBe('BREAKWATER_SLOW_CALL_RATE');
  });

  it('rejects a variable that does not fit the strategy', () => {
    expect(errorOf({ BREAKWATER_FAILURE_RATE: '0.5' }).message).toBe(
      'Invalid option `BREAKWATER_FAILURE_RATE`: expected to be used with ' +
        'BREAKWATER_STRATEGY=count or BREAKWATER_STRATEGY=time, received "0.5".',
    );
    expect(errorOf({ BREAKWATER_STRATEGY: 'count', BREAKWATER_FAILURE_COUNT: '3' }).option).toBe(
      'BREAKWATER_FAILURE_COUNT',
    );
    expect(errorOf({ BREAKWATER_STRATEGY: 'count', BREAKWATER_WINDOW_MS: '1000' }).option).toBe(
      'BREAKWATER_WINDOW_MS',
    );
    expect(
      errorOf({ BREAKWATER_STRATEGY: 'time', BREAKWATER_WINDOW_CALL_COUNT: '10' }).option,
    ).toBe('BREAKWATER_WINDOW_CALL_COUNT');
  });

  it('rejects variables that are invalid together, naming one of them', () => {
    expect(
      errorOf({ BREAKWATER_STRATEGY: 'count', BREAKWATER_SLOW_CALL_RATE: '0.5' }).message,
    ).toBe(
      'Invalid option `BREAKWATER_SLOW_CALL_RATE`: expected to be set with ' +
        'BREAKWATER_SLOW_CALL_MS, received "0.5".',
    );
    expect(
      errorOf({
        BREAKWATER_STRATEGY: 'count',
        BREAKWATER_WINDOW_CALL_COUNT: '20',
        BREAKWATER_MIN_CALLS: '50',
      }).message,
    ).toBe(
      'Invalid option `BREAKWATER_MIN_CALLS`: expected an integer from 1 to 20, received "50".',
    );
    expect(errorOf({ BREAKWATER_OPEN_MS: '5000', BREAKWATER_OPEN_MAX_MS: '1000' }).message).toBe(
      'Invalid option `BREAKWATER_OPEN_MAX_MS`: expected a number >= 5000 (the initial ' +
        'delay), received "1000".',
    );
  });

  it('rejects an unknown BREAKWATER_ variable, listing the known ones', () => {
    const error = errorOf({ BREAKWATER_FAILURE_TRESHOLD: '5' });
    expect(error.option).toBe('BREAKWATER_FAILURE_TRESHOLD');
    expect(error.message).toMatch(
      /^Invalid option `BREAKWATER_FAILURE_TRESHOLD`: expected one of BREAKWATER_ENABLED, BREAKWATER_STRATEGY, BREAKWATER_FAILURE_COUNT, .*BREAKWATER_TRACK_LATENCY, received "an unknown variable"\.$/,
    );
    expect(errorOf({ BREAKWATER_constructor: '1' }).option).toBe('BREAKWATER_constructor');
    expect(errorOf({ BREAKWATER_: '1' }).option).toBe('BREAKWATER_');
  });

  it('rejects an env that is not an object and an empty prefix', () => {
    expect(() => breakerOptionsFromEnv(null as unknown as Env)).toThrow('Invalid option `env`');
    expect(() => breakerOptionsFromEnv({}, '')).toThrow('Invalid option `prefix`');
  });
});

describe('registryFromEnv', () => {
  it('creates breakers with the options from the environment', () => {
    const registry = registryFromEnv({
      BREAKWATER_FAILURE_COUNT: '2',
      BREAKWATER_OPEN_MS: '1000',
    });
    const api = registry.get('api');
    expect(api.options.strategy).toEqual({ type: 'consecutive', failureCount: 2 });
    expect(api.options.openMs.delayMs(3, 0, () => 0)).toBe(1_000);
    expect(api.state).toBe('closed');
  });

  it('creates breakers disabled when BREAKWATER_ENABLED=false', async () => {
    const registry = registryFromEnv({
      BREAKWATER_ENABLED: 'false',
      BREAKWATER_FAILURE_COUNT: '1',
    });
    const api = registry.get('api');
    expect(api.state).toBe('disabled');
    await api.execute(() => Promise.reject(new Error('boom'))).catch(() => {});
    expect(api.state).toBe('disabled');
    expect(api.snapshot().counters.failures).toBe(1);
  });

  it('lets the variables win over options.defaults, and overrides and get() options over both', () => {
    const clock = new ManualClock();
    const registry = registryFromEnv(
      {
        BREAKWATER_MAX_RECOVERY_ATTEMPTS: '100',
        BREAKWATER_HALF_OPEN_MAX_PROBES: '3',
        BREAKWATER_STRATEGY: 'count',
        BREAKWATER_MIN_CALLS: '5',
      },
      {
        clock,
        defaults: {
          maxRecoveryAttempts: 1,
          maxRetryAfterMs: 7,
          halfOpen: { successCount: 2 },
          strategy: { type: 'count', callCount: 10, minCalls: 10 },
        },
        overrides: { slow: { maxRecoveryAttempts: 5_000 } },
      },
    );
    const api = registry.get('api');
    expect(api.options).toMatchObject({
      maxRecoveryAttempts: 100,
      maxRetryAfterMs: 7,
      maxProbes: 3,
      successCount: 2,
      clock,
    });
    expect(api.options.strategy).toEqual({ type: 'count', callCount: 10, minCalls: 5 });
    expect(registry.get('slow').options.maxRecoveryAttempts).toBe(5_000);
    expect(registry.get('own', { maxRecoveryAttempts: 9 }).options.maxRecoveryAttempts).toBe(9);
  });

  it('replaces a default strategy of another type', () => {
    const registry = registryFromEnv(
      { BREAKWATER_FAILURE_COUNT: '4' },
      { defaults: { strategy: { type: 'time', windowMs: 1_000 } } },
    );
    expect(registry.get('api').options.strategy).toEqual({ type: 'consecutive', failureCount: 4 });
  });

  it('lets BREAKWATER_ENABLED, when set, win over options.enabled', () => {
    expect(registryFromEnv({}, { enabled: false }).get('a').state).toBe('disabled');
    expect(registryFromEnv({ BREAKWATER_ENABLED: 'on' }, { enabled: false }).get('a').state).toBe(
      'closed',
    );
    expect(registryFromEnv({ BREAKWATER_ENABLED: 'off' }, { enabled: true }).get('a').state).toBe(
      'disabled',
    );
  });

  it('reads variables with the prefix option and passes the other options on', () => {
    const registry = registryFromEnv(
      { SVC_MAX_RECOVERY_ATTEMPTS: '42' },
      { prefix: 'SVC_', maxSize: 5 },
    );
    expect(registry.options.maxSize).toBe(5);
    expect(registry.get('a').options.maxRecoveryAttempts).toBe(42);
  });

  it('throws for a bad variable before creating anything', () => {
    expect(() => registryFromEnv({ BREAKWATER_MAX_RECOVERY_ATTEMPTS: 'soon' })).toThrow(
      'Invalid option `BREAKWATER_MAX_RECOVERY_ATTEMPTS`',
    );
  });
});
