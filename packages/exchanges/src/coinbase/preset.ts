import type { HttpBreakerOptions } from '@breakwater/core';
import { createPreset, type ExchangePresetOptions } from '../shared/createPreset.ts';
import { coinbaseEndpoint } from './endpoints.ts';
import { coinbaseRules } from './rules.ts';

/**
 * HTTP breaker options for Coinbase Advanced Trade (and the v2 API), for any Breakwater HTTP
 * adapter: breakers `coinbase:public`, `coinbase:private` and `coinbase:order`, the
 * {@link coinbaseRules} (`success: false` rejections, rate-limit errors, 429 pages in HTML),
 * JSON bodies read for the rules, and order placement marked non-idempotent.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const coinbaseFetch = withBreaker(coinbasePreset());
 * ```
 */
export function coinbasePreset(options?: ExchangePresetOptions): HttpBreakerOptions {
  return createPreset(
    {
      exchange: 'coinbase',
      rules: coinbaseRules,
      endpointOf: (url, method) => coinbaseEndpoint(url, method),
      // Orders answer 200 with success:false; market data is not read.
      bodyRule: {
        match: (status, type, url) =>
          type.includes('json') && (status >= 400 || url.pathname.includes('/orders')),
      },
    },
    options,
  );
}
