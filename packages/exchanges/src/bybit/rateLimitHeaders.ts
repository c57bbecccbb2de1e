import type { CallContext, Outcome, RateBudget } from '@breakwater/core';
import type { RateLimitReport } from '@breakwater/core/adapter';
import { responseOf } from '../shared/responseOf.ts';

/**
 * What a Bybit v5 response says about the per-UID, per-endpoint rate limit: the requests left
 * (`X-Bapi-Limit-Status`), the limit (`X-Bapi-Limit`) and when the window resets
 * (`X-Bapi-Limit-Reset-Timestamp`, epoch ms; the current time while under the limit).
 * `undefined` when the response carries no remaining count.
 * @see {@link https://bybit-exchange.github.io/docs/v5/rate-limit}
 */
export function bybitRateLimitReport(outcome: Outcome): RateLimitReport | undefined {
  const response = responseOf(outcome);
  if (response === undefined) return undefined;
  const remaining = numberHeader(response.header('x-bapi-limit-status'));
  if (remaining === undefined) return undefined;
  const limit = numberHeader(response.header('x-bapi-limit'));
  const resetAt = numberHeader(response.header('x-bapi-limit-reset-timestamp'));
  return {
    remaining,
    ...(limit === undefined ? {} : { limit }),
    ...(resetAt === undefined ? {} : { resetAt }),
  };
}

function numberHeader(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * An `onResponse` hook for the HTTP adapters that feeds Bybit's `X-Bapi-Limit-*` headers to
 * core `RateLimiter`s (or `RedisRateLimiter`s, shared by a fleet). Bybit counts per endpoint, so pass a function that picks the
 * limiter of a call (by `context.endpoint`, the path, or `context.key`, the breaker), or
 * one limiter for an endpoint you call alone. A call with no limiter is skipped.
 *
 * @example
 * ```ts
 * const orders = rateLimiter({ name: 'bybit:order/create', capacity: 10, refill: { amount: 10, intervalMs: 1_000 } });
 * const fetchBybit = withBreaker({
 *   ...bybitPreset(),
 *   onResponse: bybitRateLimitFeedback((ctx) => (ctx.endpoint === '/v5/order/create' ? orders : undefined)),
 * });
 * ```
 */
export function bybitRateLimitFeedback(
  limiter: RateBudget | ((context: CallContext) => RateBudget | undefined),
): (outcome: Outcome, context: CallContext) => void {
  const pick = typeof limiter === 'function' ? limiter : () => limiter;
  return (outcome, context) => {
    const target = pick(context);
    if (target === undefined) return;
    const report = bybitRateLimitReport(outcome);
    if (report !== undefined) target.update(report);
  };
}
