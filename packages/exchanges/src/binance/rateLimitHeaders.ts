import {
  BreakwaterConfigError,
  type CallContext,
  type Outcome,
  type RateBudget,
} from '@breakwater/core';
import {
  expectNumber,
  expectObject,
  type KnownKeys,
  parseRetryAfter,
  type RateLimitReport,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import { responseOf } from '../shared/responseOf.ts';

/** Options for {@link binanceRateLimitFeedback}. */
export interface BinanceRateLimitFeedbackOptions {
  /**
   * The IP's request-weight limit per interval (`/api/v3/exchangeInfo` → `rateLimits`,
   * `REQUEST_WEIGHT`).
   * @defaultValue `6000` (spot, per minute)
   */
  limit?: number;
  /**
   * The interval of the used-weight header to read, as in `X-MBX-USED-WEIGHT-1M`: a number and
   * one of `S`, `M`, `H`, `D` (any case).
   * @defaultValue `'1m'`
   */
  interval?: string;
}

const known: KnownKeys<BinanceRateLimitFeedbackOptions> = { limit: true, interval: true };

const unitMs: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

interface ResolvedFeedback {
  readonly limit: number;
  readonly header: string;
  readonly windowMs: number;
}

/** Binance's spot order limit: 50 orders per 10 seconds per account. */
const orderDefaults = { limit: 50, interval: '10s', header: 'x-mbx-order-count-' } as const;
const weightDefaults = { limit: 6000, interval: '1m', header: 'x-mbx-used-weight-' } as const;

function resolve(
  options: BinanceRateLimitFeedbackOptions = {},
  defaults: typeof weightDefaults | typeof orderDefaults = weightDefaults,
): ResolvedFeedback {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const limit = expectNumber('limit', options.limit ?? defaults.limit, 1);
  const interval = options.interval ?? defaults.interval;
  const match = typeof interval === 'string' ? /^(\d{1,4})([smhd])$/i.exec(interval) : null;
  if (match === null) {
    throw new BreakwaterConfigError(
      'interval',
      "a number and S, M, H or D, such as '1m'",
      interval,
    );
  }
  const windowMs = Number(match[1]) * (unitMs[match[2]!.toLowerCase()] ?? 0);
  if (!(windowMs > 0)) {
    throw new BreakwaterConfigError('interval', 'an interval longer than 0', interval);
  }
  return Object.freeze({ limit, header: `${defaults.header}${match[0].toLowerCase()}`, windowMs });
}

/**
 * What a Binance response says about the IP's request weight: the used weight of the current
 * interval (`X-MBX-USED-WEIGHT-1M`, counted in fixed windows aligned to the clock) and, on a
 * 429 or 418, the `Retry-After` wait during which nothing may be sent. `undefined` when the
 * response carries neither.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits}
 * @throws BreakwaterConfigError on an invalid option
 */
export function binanceRateLimitReport(
  outcome: Outcome,
  options?: BinanceRateLimitFeedbackOptions,
  nowMs?: number,
): RateLimitReport | undefined {
  return reportOf(outcome, resolve(options), nowMs);
}

function reportOf(
  outcome: Outcome,
  { limit, header, windowMs }: ResolvedFeedback,
  nowMs: number | undefined,
): RateLimitReport | undefined {
  const response = responseOf(outcome);
  if (response === undefined) return undefined;
  if (response.status === 429 || response.status === 418) {
    // Retry-After dates are rare here; seconds need no clock.
    const wait = parseRetryAfter(response.header('retry-after'), nowMs ?? 0);
    if (wait !== undefined && wait > 0) return { remaining: 0, limit, resetInMs: wait };
  }
  const value = response.header(header);
  const used = value === null || value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(used)) return undefined;
  return { usedWeight: used, limit, windowMs };
}

/**
 * An `onResponse` hook for the HTTP adapters that feeds Binance's used-weight header to a core
 * `RateLimiter` or a fleet's `RedisRateLimiter`: the limiter then never spends more than the server says remains (minus
 * its safety margin) until the interval resets, so the bot slows down before a 429 and never
 * earns a 418 ban. After a 429 or 418 it holds every call for the `Retry-After` wait.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const weight = rateLimiter({ name: 'binance', capacity: 6000, refill: { amount: 100, intervalMs: 1_000 } });
 * const fetchBinance = withBreaker({
 *   ...binancePreset(),
 *   onResponse: binanceRateLimitFeedback(weight),
 * });
 * ```
 */
export function binanceRateLimitFeedback(
  limiter: RateBudget,
  options?: BinanceRateLimitFeedbackOptions,
): (outcome: Outcome, context: CallContext) => void {
  const resolved = resolve(options);
  return (outcome) => {
    const report = reportOf(outcome, resolved, undefined);
    if (report !== undefined) limiter.update(report);
  };
}

/**
 * What a Binance order response says about the account's order rate: the orders placed in the
 * current interval (`X-MBX-ORDER-COUNT-10S`, `-1D`), read against `limit`. `undefined` when the
 * response carries no such count (only order placement answers do).
 * @defaultValue `options`: `{ limit: 50, interval: '10s' }` (spot)
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits}
 * @throws BreakwaterConfigError on an invalid option
 */
export function binanceOrderCountReport(
  outcome: Outcome,
  options?: BinanceRateLimitFeedbackOptions,
): RateLimitReport | undefined {
  return orderReportOf(outcome, resolve(options, orderDefaults));
}

function orderReportOf(
  outcome: Outcome,
  { limit, header, windowMs }: ResolvedFeedback,
): RateLimitReport | undefined {
  const value = responseOf(outcome)?.header(header) ?? null;
  const count = value === null || value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(count)) return undefined;
  return { usedWeight: count, limit, windowMs };
}

/**
 * An `onResponse` hook that feeds Binance's order count (`X-MBX-ORDER-COUNT-10S` by default) to
 * the limiter your orders go through (weight 1 per order), so that the account's order rate
 * holds across every process using it when the limiter is a `RedisRateLimiter`.
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const orders = rateLimiter({ name: 'binance:orders', capacity: 50, refill: { amount: 50, intervalMs: 10_000 } });
 * const binanceFetch = withBreaker(binancePreset({ orderRateLimiter: orders }));
 * ```
 */
export function binanceOrderCountFeedback(
  limiter: RateBudget,
  options?: BinanceRateLimitFeedbackOptions,
): (outcome: Outcome, context: CallContext) => void {
  const resolved = resolve(options, orderDefaults);
  return (outcome) => {
    const report = orderReportOf(outcome, resolved);
    if (report !== undefined) limiter.update(report);
  };
}
