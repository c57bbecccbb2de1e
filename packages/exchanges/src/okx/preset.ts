import type { CallContext, RateBudget } from '@breakwater/core';
import type { KnownKeys } from '@breakwater/core/adapter';
import { createPreset, presetOptionKeys } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { expectLimiter } from '../shared/expectLimiter.ts';
import { statusRule } from '../status/statusRule.ts';
import { okxChangesState, okxEndpoint } from './endpoints.ts';
import { okxRateLimitFeedback } from './rateLimits.ts';
import { okxRules } from './rules.ts';
import { okxStatus } from './status.ts';

/** Options for {@link okxPreset}. */
export interface OkxPresetOptions extends ExchangePresetOptions {
  /**
   * The limiter of the endpoint you call (sized with `okxRateLimit(path)`), or a function
   * picking it per call by `context.endpoint`: OKX's `50011` answers correct it (see
   * {@link okxRateLimitFeedback}).
   */
  rateLimiter?: RateBudget | ((context: CallContext) => RateBudget | undefined);
}

const known: KnownKeys<OkxPresetOptions> = { ...presetOptionKeys, rateLimiter: true };

const rules = Object.freeze([...okxRules, statusRule(okxStatus)]);

/**
 * HTTP breaker options for OKX's v5 REST API, for any Breakwater HTTP adapter: breakers
 * `okx:<host>:public`, `okx:<host>:private` and `okx:<host>:order`, the {@link okxRules}
 * (`code` and per-order `sCode`: 50011 rate limit, 50001 maintenance, 50004 timeout with an
 * unknown outcome, …), JSON bodies read for the rules, `/api/v5/system/status` with an ongoing
 * upgrade as a maintenance failure until its end, and `POST /api/v5/trade/*` marked
 * non-idempotent. OKX sends no rate-limit headers: with `rateLimiter` (per-endpoint limiters
 * sized by {@link okxRateLimit}), its `50011` answers correct them.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const okxFetch = withBreaker(okxPreset());
 * ```
 */
export function okxPreset(options?: OkxPresetOptions): ExchangePreset {
  const limiter = options?.rateLimiter;
  const pick = typeof limiter === 'function' ? limiter : expectLimiter('rateLimiter', limiter);
  return createPreset(
    {
      exchange: 'okx',
      rules,
      endpointOf: (url, method) => okxEndpoint(url, method),
      changesState: okxChangesState,
      bodyRule: {
        match: (status, type) => type.includes('json') || (status >= 500 && type === 'text/html'),
      },
      feedback: pick === undefined ? undefined : okxRateLimitFeedback(pick),
    },
    options,
    known,
  );
}
