import { BreakwaterConfigError } from '@breakwater/core';
import { breakerOptionsFromProcessEnv, registryFromProcessEnv } from '@breakwater/core/node';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('breakerOptionsFromProcessEnv', () => {
  it('reads BREAKWATER_ variables from process.env', () => {
    vi.stubEnv('BREAKWATER_FAILURE_COUNT', '3');
    vi.stubEnv('BREAKWATER_ENABLED', 'no');
    expect(breakerOptionsFromProcessEnv()).toEqual({
      enabled: false,
      options: { strategy: { type: 'consecutive', failureCount: 3 } },
    });
  });

  it('reads another prefix', () => {
    vi.stubEnv('SVC_BREAKER_MAX_RETRY_AFTER_MS', '250');
    expect(breakerOptionsFromProcessEnv('SVC_BREAKER_').options).toEqual({ maxRetryAfterMs: 250 });
  });

  it('throws naming a bad variable', () => {
    vi.stubEnv('BREAKWATER_OPEN_MS', 'later');
    expect(() => breakerOptionsFromProcessEnv()).toThrow(BreakwaterConfigError);
    expect(() => breakerOptionsFromProcessEnv()).toThrow(
      'Invalid option `BREAKWATER_OPEN_MS`: expected a finite number >= 0, received "later".',
    );
  });
});

describe('registryFromProcessEnv', () => {
  it('creates a registry configured from process.env', () => {
    vi.stubEnv('BREAKWATER_MAX_RETRY_AFTER_MS', '1500');
    vi.stubEnv('BREAKWATER_ENABLED', 'off');
    const registry = registryFromProcessEnv({ maxSize: 10 });
    const api = registry.get('api');
    expect(api.options.maxRetryAfterMs).toBe(1_500);
    expect(api.state).toBe('disabled');
    expect(registry.options.maxSize).toBe(10);
    registry.dispose();
  });

  it('works without options', () => {
    vi.stubEnv('BREAKWATER_FAILURE_COUNT', '7');
    const registry = registryFromProcessEnv();
    expect(registry.get('api').options.strategy).toEqual({ type: 'consecutive', failureCount: 7 });
  });
});
