import type { HttpBreakerOptions, RateLimiter } from '@breakwater/core';
import type { KnownKeys } from '@breakwater/core/adapter';
import {
  createPreset,
  type ExchangePresetOptions,
  presetOptionKeys,
} from '../shared/createPreset.ts';
import { expectLimiter } from '../shared/expectLimiter.ts';
import { binanceEndpoint } from './endpoints.ts';
import {
  type BinanceRateLimitFeedbackOptions,
  binanceRateLimitFeedback,
} from './rateLimitHeaders.ts';
import { binanceRules } from './rules.ts';

/** Options for {@link binancePreset}. */
export interface BinancePresetOptions extends ExchangePresetOptions {
  /**
   * A limiter that the used-weight headers tighten (see {@link binanceRateLimitFeedback}), so
   * the bot slows down before a 429 and never earns a 418 ban. Run your calls through it.
   */
  rateLimiter?: RateLimiter;
  /** How to read the used-weight header. @defaultValue `{ limit: 6000, interval: '1m' }` */
  rateLimit?: BinanceRateLimitFeedbackOptions;
}

const known: KnownKeys<BinancePresetOptions> = {
  ...presetOptionKeys,
  rateLimiter: true,
  rateLimit: true,
};

/**
 * HTTP breaker options for Binance's REST APIs, for any Breakwater HTTP adapter: breakers
 * `binance:public`, `binance:private` (signed requests) and `binance:order`, the
 * {@link binanceRules} (418/429 with `Retry-After` or the ban time, 5xx on orders as
 * `uncertainEffect`, error codes), error bodies read for the rules, order placement marked
 * non-idempotent, and, with `rateLimiter`, the used-weight feedback.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const weight = rateLimiter({ name: 'binance', capacity: 6000, refill: { amount: 100, intervalMs: 1_000 } });
 * const binanceFetch = withBreaker(binancePreset({ rateLimiter: weight }));
 * ```
 */
export function binancePreset(options?: BinancePresetOptions): HttpBreakerOptions {
  const limiter = expectLimiter('rateLimiter', options?.rateLimiter);
  return createPreset(
    {
      exchange: 'binance',
      rules: binanceRules,
      endpointOf: (url, method, request) => binanceEndpoint(url, method, request.headers),
      // Success bodies carry nothing the rules need: only error answers are read.
      bodyRule: { match: (status) => status >= 400 },
      feedback:
        limiter === undefined ? undefined : binanceRateLimitFeedback(limiter, options?.rateLimit),
    },
    options,
    known,
  );
}
