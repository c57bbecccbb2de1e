import type { HttpBreakerOptions } from '@breakwater/core';
import { createPreset, type ExchangePresetOptions } from '../shared/createPreset.ts';
import { okxEndpoint } from './endpoints.ts';
import { okxRules } from './rules.ts';

/**
 * HTTP breaker options for OKX's v5 REST API, for any Breakwater HTTP adapter: breakers
 * `okx:public`, `okx:private` and `okx:order`, the {@link okxRules} (`code` and per-order
 * `sCode`: 50011 rate limit, 50001 maintenance, 50004 timeout with an unknown outcome, …),
 * JSON bodies read for the rules, and `POST /api/v5/trade/*` marked non-idempotent. OKX sends
 * no rate-limit headers; pair it with a core `RateLimiter` per endpoint if you need one.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const okxFetch = withBreaker(okxPreset());
 * ```
 */
export function okxPreset(options?: ExchangePresetOptions): HttpBreakerOptions {
  return createPreset(
    {
      exchange: 'okx',
      rules: okxRules,
      endpointOf: (url, method) => okxEndpoint(url, method),
      bodyRule: { match: (_status, type) => type.includes('json') },
    },
    options,
  );
}
