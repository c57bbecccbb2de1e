import type { RateBudget } from '@breakwater/core';
import type { KnownKeys } from '@breakwater/core/adapter';
import { createPreset, presetOptionKeys } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { expectLimiter } from '../shared/expectLimiter.ts';
import { statusRule } from '../status/statusRule.ts';
import { krakenChangesState, krakenEndpoint } from './endpoints.ts';
import { krakenRateLimitFeedback } from './rateLimits.ts';
import { krakenRules } from './rules.ts';
import { krakenStatus } from './status.ts';

/** Options for {@link krakenPreset}. */
export interface KrakenPresetOptions extends ExchangePresetOptions {
  /**
   * A limiter modelling the key's call counter (`krakenRateLimits(tier)`), which Kraken's
   * `EAPI:Rate limit exceeded` answers correct (see {@link krakenRateLimitFeedback}). Run your
   * calls through it with `krakenCallCost(path)` as the weight; a `RedisRateLimiter` shares
   * the counter with every process using the key.
   */
  rateLimiter?: RateBudget;
}

const known: KnownKeys<KrakenPresetOptions> = { ...presetOptionKeys, rateLimiter: true };

const rules = Object.freeze([...krakenRules, statusRule(krakenStatus)]);

/**
 * HTTP breaker options for Kraken's spot REST API, for any Breakwater HTTP adapter: breakers
 * `kraken:<host>:public`, `kraken:<host>:private` and `kraken:<host>:order`, the
 * {@link krakenRules} (Kraken answers errors with HTTP 200 and an `error` array, so JSON bodies
 * are read for the rules), `SystemStatus` answering `maintenance` as a maintenance failure, and
 * order calls marked non-idempotent: never retried, `uncertainEffect` when their outcome is
 * unknown. Private reads (`Balance`, `OpenOrders`, …) are POSTs too, but never uncertain. Kraken
 * sends no rate-limit headers: with `rateLimiter` (a model of the key's call counter, see
 * {@link krakenRateLimits}), its rate-limit errors correct the model.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const krakenFetch = withBreaker(krakenPreset());
 * ```
 */
export function krakenPreset(options?: KrakenPresetOptions): ExchangePreset {
  const limiter = expectLimiter('rateLimiter', options?.rateLimiter);
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
      feedback: limiter === undefined ? undefined : krakenRateLimitFeedback(limiter),
    },
    options,
    known,
  );
}
