import { createPreset } from '../preset/createPreset.ts';
import type { ExchangePreset, ExchangePresetOptions } from '../preset/types.ts';
import { statusRule } from '../status/statusRule.ts';
import { okxChangesState, okxEndpoint } from './endpoints.ts';
import { okxRules } from './rules.ts';
import { okxStatus } from './status.ts';

const rules = Object.freeze([...okxRules, statusRule(okxStatus)]);

/**
 * HTTP breaker options for OKX's v5 REST API, for any Breakwater HTTP adapter: breakers
 * `okx:<host>:public`, `okx:<host>:private` and `okx:<host>:order`, the {@link okxRules}
 * (`code` and per-order `sCode`: 50011 rate limit, 50001 maintenance, 50004 timeout with an
 * unknown outcome, …), JSON bodies read for the rules, `/api/v5/system/status` with an ongoing
 * upgrade as a maintenance failure until its end, and `POST /api/v5/trade/*` marked
 * non-idempotent. OKX sends no rate-limit headers; pair it with a core `RateLimiter` per
 * endpoint if you need one.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const okxFetch = withBreaker(okxPreset());
 * ```
 */
export function okxPreset(options?: ExchangePresetOptions): ExchangePreset {
  return createPreset(
    {
      exchange: 'okx',
      rules,
      endpointOf: (url, method) => okxEndpoint(url, method),
      changesState: okxChangesState,
      bodyRule: {
        match: (status, type) => type.includes('json') || (status >= 500 && type === 'text/html'),
      },
    },
    options,
  );
}
