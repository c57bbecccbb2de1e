import type { HttpBreakerOptions } from '@breakwater/core';
import { createPreset, type ExchangePresetOptions } from '../shared/createPreset.ts';
import { krakenEndpoint } from './endpoints.ts';
import { krakenRules } from './rules.ts';

/**
 * HTTP breaker options for Kraken's spot REST API, for any Breakwater HTTP adapter: breakers
 * `kraken:public`, `kraken:private` and `kraken:order`, the {@link krakenRules} (Kraken answers
 * errors with HTTP 200 and an `error` array, so JSON bodies are read for the rules), and
 * `AddOrder`-style calls marked non-idempotent: never retried, `uncertainEffect` when their
 * outcome is unknown. Kraken sends no rate-limit headers; pair the preset with a core
 * `RateLimiter` sized to your tier's counter if you need one.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const krakenFetch = withBreaker(krakenPreset());
 * ```
 */
export function krakenPreset(options?: ExchangePresetOptions): HttpBreakerOptions {
  return createPreset(
    {
      exchange: 'kraken',
      rules: krakenRules,
      endpointOf: (url, method) => krakenEndpoint(url, method),
      // Error answers are small JSON; market data above 64 KiB is not read at all.
      bodyRule: { match: (_status, type) => type.includes('json') },
    },
    options,
  );
}
