import type { RateBudget } from '@breakwater/core';
import type { KnownKeys } from '@breakwater/core/adapter';
import { createPreset, presetOptionKeys } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { expectLimiter } from '../shared/expectLimiter.ts';
import { statusRule } from '../status/statusRule.ts';
import { binanceChangesState, binanceEndpoint } from './endpoints.ts';
import {
  type BinanceRateLimitFeedbackOptions,
  binanceOrderCountFeedback,
  binanceRateLimitFeedback,
} from './rateLimitHeaders.ts';
import { binanceRules } from './rules.ts';
import { binanceStatus } from './status.ts';

/** Options for {@link binancePreset}. */
export interface BinancePresetOptions extends ExchangePresetOptions {
  /**
   * A limiter that the used-weight headers tighten (see {@link binanceRateLimitFeedback}), so
   * the bot slows down before a 429 and never earns a 418 ban. Run your calls through it. A
   * `RedisRateLimiter` of `@breakwater/redis` shares it with every process on the IP.
   */
  rateLimiter?: RateBudget;
  /** How to read the used-weight header. @defaultValue `{ limit: 6000, interval: '1m' }` */
  rateLimit?: BinanceRateLimitFeedbackOptions;
  /**
   * A limiter of order placements that the `X-MBX-ORDER-COUNT-*` headers correct (see
   * {@link binanceOrderCountFeedback}). Run your orders through it, weight 1 each.
   */
  orderRateLimiter?: RateBudget;
  /** How to read the order-count header. @defaultValue `{ limit: 50, interval: '10s' }` */
  orderRateLimit?: BinanceRateLimitFeedbackOptions;
}

const known: KnownKeys<BinancePresetOptions> = {
  ...presetOptionKeys,
  rateLimiter: true,
  rateLimit: true,
  orderRateLimiter: true,
  orderRateLimit: true,
};

const rules = Object.freeze([...binanceRules, statusRule(binanceStatus)]);

/**
 * HTTP breaker options for Binance's REST APIs, for any Breakwater HTTP adapter: breakers
 * `binance:<host>:public`, `binance:<host>:private` (signed requests) and
 * `binance:<host>:order`, the {@link binanceRules} (418/429 with `Retry-After` or the ban time,
 * 5xx on spot orders as `uncertainEffect`, error codes), error bodies read for the rules,
 * `/sapi/v1/system/status` answering 1 as a maintenance failure, order placement marked
 * non-idempotent, and, with `rateLimiter` and `orderRateLimiter`, the used-weight and
 * order-count feedback.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const weight = rateLimiter({ name: 'binance', capacity: 6000, refill: { amount: 100, intervalMs: 1_000 } });
 * const binanceFetch = withBreaker(binancePreset({ rateLimiter: weight }));
 * ```
 */
export function binancePreset(options?: BinancePresetOptions): ExchangePreset {
  const limiter = expectLimiter('rateLimiter', options?.rateLimiter);
  const orders = expectLimiter('orderRateLimiter', options?.orderRateLimiter);
  const weightFeedback =
    limiter === undefined ? undefined : binanceRateLimitFeedback(limiter, options?.rateLimit);
  const orderFeedback =
    orders === undefined ? undefined : binanceOrderCountFeedback(orders, options?.orderRateLimit);
  return createPreset(
    {
      exchange: 'binance',
      rules,
      endpointOf: (url, method, request) => binanceEndpoint(url, method, request.headers),
      changesState: binanceChangesState,
      // Success bodies carry nothing the rules need: only error answers and the system status
      // are read.
      bodyRule: {
        match: (status, _type, url) => status >= 400 || url.pathname.endsWith(binanceStatus.path),
      },
      feedback:
        weightFeedback === undefined || orderFeedback === undefined
          ? (weightFeedback ?? orderFeedback)
          : (outcome, context) => {
              weightFeedback(outcome, context);
              orderFeedback(outcome, context);
            },
    },
    options,
    known,
  );
}
