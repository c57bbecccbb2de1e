import { createPreset } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { coinbaseChangesState, coinbaseEndpoint } from './endpoints.ts';
import { coinbaseRules } from './rules.ts';

/**
 * HTTP breaker options for Coinbase Advanced Trade (and the v2 API), for any Breakwater HTTP
 * adapter: breakers `coinbase:<host>:public`, `coinbase:<host>:private` and
 * `coinbase:<host>:order`, the {@link coinbaseRules} (`success: false` rejections, batch
 * results, rate-limit errors, 429 pages in HTML, 429s that are not about rate), JSON bodies read
 * for the rules, and order placement marked non-idempotent.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const coinbaseFetch = withBreaker(coinbasePreset());
 * ```
 */
export function coinbasePreset(options?: ExchangePresetOptions): ExchangePreset {
  return createPreset(
    {
      exchange: 'coinbase',
      rules: coinbaseRules,
      endpointOf: (url, method) => coinbaseEndpoint(url, method),
      changesState: coinbaseChangesState,
      // Orders answer 200 with success:false; market data is not read. Cloudflare's 5xx pages
      // are read for the cause they name.
      bodyRule: {
        match: (status, type, url) =>
          (type.includes('json') && (status >= 400 || url.pathname.includes('/orders'))) ||
          (status >= 500 && type === 'text/html'),
      },
    },
    options,
  );
}
