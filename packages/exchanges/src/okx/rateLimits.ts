import type { CallContext, Outcome, RateBudget } from '@breakwater/core';
import { readCode, readJsonObject } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';

/** The bucket options of a limiter for one OKX endpoint. */
export interface OkxRateLimit {
  /** Requests allowed per window. */
  readonly capacity: number;
  /** Spread over OKX's 2-second window. */
  readonly refill: { readonly amount: number; readonly intervalMs: number };
}

/** OKX counts in windows of 2 seconds. */
const okxWindowMs = 2_000;

/**
 * Requests per 2 s of the endpoints bots call most, as OKX documents them: by user id (order
 * endpoints per user id and instrument), public endpoints by IP.
 */
const limits: ReadonlyMap<string, number> = new Map([
  ['/api/v5/trade/order', 60],
  ['/api/v5/trade/batch-orders', 300],
  ['/api/v5/trade/cancel-order', 60],
  ['/api/v5/trade/cancel-batch-orders', 300],
  ['/api/v5/trade/amend-order', 60],
  ['/api/v5/trade/amend-batch-orders', 300],
  ['/api/v5/trade/close-position', 20],
  ['/api/v5/trade/orders-pending', 60],
  ['/api/v5/trade/orders-history', 40],
  ['/api/v5/trade/fills', 60],
  ['/api/v5/account/balance', 10],
  ['/api/v5/account/positions', 10],
  ['/api/v5/account/config', 5],
  ['/api/v5/market/ticker', 20],
  ['/api/v5/market/tickers', 20],
  ['/api/v5/market/books', 40],
  ['/api/v5/market/candles', 40],
  ['/api/v5/market/trades', 100],
  ['/api/v5/public/instruments', 20],
  ['/api/v5/public/time', 10],
  ['/api/v5/system/status', 1],
]);

/**
 * OKX sends no rate-limit headers: it documents a limit per endpoint, counted over 2 seconds,
 * and answers code `50011` past it. The bucket options of that limit for an endpoint path (or
 * URL), to spread into a core `rateLimiter()` or a `RedisRateLimiter`; `undefined` for an
 * endpoint not in the table (look it up in OKX's documentation).
 * @see {@link https://www.okx.com/docs-v5/en/#overview-rate-limits}
 * @example
 * ```ts
 * const orders = rateLimiter({ name: 'okx:order', ...okxRateLimit('/api/v5/trade/order')! });
 * ```
 */
export function okxRateLimit(path: string | URL): OkxRateLimit | undefined {
  const pathname = typeof path === 'string' ? path.split('?')[0]! : path.pathname;
  const capacity = limits.get(pathname.replace(/\/+$/, ''));
  if (capacity === undefined) return undefined;
  return { capacity, refill: { amount: capacity, intervalMs: okxWindowMs } };
}

/**
 * An `onResponse` hook that corrects OKX endpoint limiters from OKX's own word: an answer with
 * code `50011` (the request's, or an order's `sCode` in a batch) or an HTTP 429 means the
 * endpoint's window is spent, whatever the model thought, so the limiter spends nothing more
 * until the window has surely reset (2 s). Pass the limiter of the endpoint you call, or a
 * function picking it by `context.endpoint` (the path); a call with no limiter is skipped.
 * @example
 * ```ts
 * const orders = rateLimiter({ name: 'okx:order', ...okxRateLimit('/api/v5/trade/order')! });
 * const okxFetch = withBreaker(okxPreset({
 *   rateLimiter: (ctx) => (ctx.endpoint === '/api/v5/trade/order' ? orders : undefined),
 * }));
 * ```
 */
export function okxRateLimitFeedback(
  limiter: RateBudget | ((context: CallContext) => RateBudget | undefined),
): (outcome: Outcome, context: CallContext) => void {
  const pick = typeof limiter === 'function' ? limiter : () => limiter;
  return (outcome, context) => {
    if (!isRateLimited(outcome)) return;
    pick(context)?.update({ remaining: 0, resetInMs: okxWindowMs });
  };
}

function isRateLimited(outcome: Outcome): boolean {
  const response = responseOf(outcome);
  if (response === undefined) return false;
  if (response.status === 429) return true;
  const json = readJsonObject(response.body);
  if (json === undefined) return false;
  if (readCode(json.code) === 50011) return true;
  return (
    Array.isArray(json.data) &&
    json.data.some((item) => readCode(readJsonObject(item)?.sCode) === 50011)
  );
}
