import type { CallContext, HttpBreakerOptions, RateLimiter } from '@breakwater/core';
import type { KnownKeys } from '@breakwater/core/adapter';
import {
  createPreset,
  type ExchangePresetOptions,
  presetOptionKeys,
} from '../shared/createPreset.ts';
import { expectLimiter } from '../shared/expectLimiter.ts';
import { bybitEndpoint } from './endpoints.ts';
import { bybitRateLimitFeedback } from './rateLimitHeaders.ts';
import { bybitRules } from './rules.ts';

/** Options for {@link bybitPreset}. */
export interface BybitPresetOptions extends ExchangePresetOptions {
  /**
   * The limiter the `X-Bapi-Limit-*` headers tighten, or a function picking it per call (Bybit
   * counts per endpoint and UID); see {@link bybitRateLimitFeedback}.
   */
  rateLimiter?: RateLimiter | ((context: CallContext) => RateLimiter | undefined);
}

const known: KnownKeys<BybitPresetOptions> = { ...presetOptionKeys, rateLimiter: true };

/**
 * HTTP breaker options for Bybit's v5 REST API, for any Breakwater HTTP adapter: breakers
 * `bybit:public`, `bybit:private` and `bybit:order`, the {@link bybitRules} (`retCode` in
 * HTTP 200 bodies, 10006 with the reset time, a 403 IP ban of at least 10 minutes), JSON
 * bodies read for the rules, order placement marked non-idempotent, and, with `rateLimiter`,
 * the `X-Bapi-Limit-*` feedback.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const bybitFetch = withBreaker(bybitPreset());
 * ```
 */
export function bybitPreset(options?: BybitPresetOptions): HttpBreakerOptions {
  const limiter = options?.rateLimiter;
  const pick = typeof limiter === 'function' ? limiter : expectLimiter('rateLimiter', limiter);
  return createPreset(
    {
      exchange: 'bybit',
      rules: bybitRules,
      endpointOf: (url, method) => bybitEndpoint(url, method),
      bodyRule: { match: (_status, type) => type.includes('json') || type.startsWith('text/') },
      feedback: pick === undefined ? undefined : bybitRateLimitFeedback(pick),
    },
    options,
    known,
  );
}
