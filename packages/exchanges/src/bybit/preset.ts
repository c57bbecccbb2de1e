import type { CallContext, RateBudget } from '@breakwater/core';
import type { KnownKeys } from '@breakwater/core/adapter';
import { createPreset, presetOptionKeys } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { expectLimiter } from '../shared/expectLimiter.ts';
import { statusRule } from '../status/statusRule.ts';
import { bybitChangesState, bybitEndpoint } from './endpoints.ts';
import { bybitRateLimitFeedback } from './rateLimitHeaders.ts';
import { bybitRules } from './rules.ts';
import { bybitStatus } from './status.ts';

/** Options for {@link bybitPreset}. */
export interface BybitPresetOptions extends ExchangePresetOptions {
  /**
   * The limiter the `X-Bapi-Limit-*` headers tighten, or a function picking it per call (Bybit
   * counts per endpoint and UID); see {@link bybitRateLimitFeedback}.
   */
  rateLimiter?: RateBudget | ((context: CallContext) => RateBudget | undefined);
}

const known: KnownKeys<BybitPresetOptions> = { ...presetOptionKeys, rateLimiter: true };

const rules = Object.freeze([...bybitRules, statusRule(bybitStatus)]);

/**
 * HTTP breaker options for Bybit's v5 REST API, for any Breakwater HTTP adapter: breakers
 * `bybit:<host>:public`, `bybit:<host>:private` and `bybit:<host>:order`, the
 * {@link bybitRules} (`retCode` in HTTP 200 bodies and each batch item's code, 10006 with the
 * reset time, a 403 IP ban of at least 10 minutes), JSON bodies read for the rules,
 * `/v5/system/status` with an ongoing event as a maintenance failure until its end, order
 * placement marked non-idempotent, and, with `rateLimiter`, the `X-Bapi-Limit-*` feedback.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const bybitFetch = withBreaker(bybitPreset());
 * ```
 */
export function bybitPreset(options?: BybitPresetOptions): ExchangePreset {
  const limiter = options?.rateLimiter;
  const pick = typeof limiter === 'function' ? limiter : expectLimiter('rateLimiter', limiter);
  return createPreset(
    {
      exchange: 'bybit',
      rules,
      endpointOf: (url, method) => bybitEndpoint(url, method),
      changesState: bybitChangesState,
      bodyRule: { match: (_status, type) => type.includes('json') || type.startsWith('text/') },
      feedback: pick === undefined ? undefined : bybitRateLimitFeedback(pick),
    },
    options,
    known,
  );
}
