import { createPreset } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { statusRule } from '../status/statusRule.ts';
import { krakenChangesState, krakenEndpoint } from './endpoints.ts';
import { krakenRules } from './rules.ts';
import { krakenStatus } from './status.ts';

const rules = Object.freeze([...krakenRules, statusRule(krakenStatus)]);

/**
 * HTTP breaker options for Kraken's spot REST API, for any Breakwater HTTP adapter: breakers
 * `kraken:<host>:public`, `kraken:<host>:private` and `kraken:<host>:order`, the
 * {@link krakenRules} (Kraken answers errors with HTTP 200 and an `error` array, so JSON bodies
 * are read for the rules), `SystemStatus` answering `maintenance` as a maintenance failure, and
 * order calls marked non-idempotent: never retried, `uncertainEffect` when their outcome is
 * unknown. Private reads (`Balance`, `OpenOrders`, …) are POSTs too, but never uncertain. Kraken
 * sends no rate-limit headers; pair the preset with a core `RateLimiter` sized to your tier's
 * counter if you need one.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const krakenFetch = withBreaker(krakenPreset());
 * ```
 */
export function krakenPreset(options?: ExchangePresetOptions): ExchangePreset {
  return createPreset(
    {
      exchange: 'kraken',
      rules,
      endpointOf: (url, method) => krakenEndpoint(url, method),
      changesState: krakenChangesState,
      // Error answers are small JSON; market data above 64 KiB is not read at all. Cloudflare's
      // 5xx pages are read for the cause they name.
      bodyRule: {
        match: (status, type) => type.includes('json') || (status >= 500 && type === 'text/html'),
      },
    },
    options,
  );
}
