import {
  BreakwaterConfigError,
  type CallContext,
  type Outcome,
  type RateBudget,
} from '@breakwater/core';
import { readJsonObject } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';

/** A Kraken account's verification tier, which sets its API call counter. */
export type KrakenTier = 'starter' | 'intermediate' | 'pro';

/** The bucket options of a limiter that models a Kraken call counter. */
export interface KrakenRateLimits {
  /** The counter's maximum: a call that would take it over is refused. */
  readonly capacity: number;
  /** How fast the counter decays: the bucket's refill. */
  readonly refill: { readonly amount: number; readonly intervalMs: number };
}

const tiers: Readonly<Record<KrakenTier, KrakenRateLimits>> = Object.freeze({
  starter: Object.freeze({
    capacity: 15,
    refill: Object.freeze({ amount: 0.33, intervalMs: 1_000 }),
  }),
  intermediate: Object.freeze({
    capacity: 20,
    refill: Object.freeze({ amount: 0.5, intervalMs: 1_000 }),
  }),
  pro: Object.freeze({ capacity: 20, refill: Object.freeze({ amount: 1, intervalMs: 1_000 }) }),
});

/**
 * Kraken sends no rate-limit headers: it keeps a call counter per API key that each private
 * call raises and that decays at a rate set by the account's tier (starter: at most 15, −0.33
 * per second; intermediate: 20, −0.5/s; pro: 20, −1/s). That counter is a token bucket: spread
 * these options into a core `rateLimiter()` or a `RedisRateLimiter` (one budget for every
 * process using the key), and run each call with the weight {@link krakenCallCost} gives.
 * @see {@link https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits}
 * @throws BreakwaterConfigError on an unknown tier
 * @example
 * ```ts
 * const counter = rateLimiter({ name: 'kraken:key', ...krakenRateLimits('intermediate'), maxWaitMs: 5_000 });
 * const path = '/0/private/Ledgers';
 * await counter.execute((signal) => fetch(`https://api.kraken.com${path}`, { method: 'POST', signal }), {
 *   weight: krakenCallCost(path),
 * });
 * ```
 */
export function krakenRateLimits(tier: KrakenTier = 'starter'): KrakenRateLimits {
  const limits = Object.hasOwn(tiers, tier) ? tiers[tier] : undefined;
  if (limits === undefined) {
    throw new BreakwaterConfigError('tier', "'starter', 'intermediate' or 'pro'", tier);
  }
  return limits;
}

/** Private methods that raise the counter by 2: the history and ledger queries. */
const costlyMethods: ReadonlySet<string> = new Set([
  'Ledgers',
  'QueryLedgers',
  'TradesHistory',
  'QueryTrades',
]);

/**
 * Order methods: Kraken counts them per pair in a separate trading limiter, not in the API
 * call counter.
 */
const orderMethods: ReadonlySet<string> = new Set([
  'AddOrder',
  'AddOrderBatch',
  'AmendOrder',
  'EditOrder',
  'CancelOrder',
  'CancelAll',
  'CancelAllOrdersAfter',
  'CancelOrderBatch',
]);

/**
 * What a call to `path` (or a URL) adds to Kraken's API call counter: 2 for the ledger and
 * trade-history queries, 0 for public calls and order placement or cancellation (counted
 * elsewhere by Kraken), 1 for every other private call.
 * @example `krakenCallCost('/0/private/TradesHistory') // 2`
 */
export function krakenCallCost(path: string | URL): number {
  const pathname = typeof path === 'string' ? path.split('?')[0]! : path.pathname;
  if (!/\/private\//.test(pathname)) return 0;
  const trimmed = pathname.replace(/\/+$/, '');
  const method = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (orderMethods.has(method)) return 0;
  return costlyMethods.has(method) ? 2 : 1;
}

/**
 * An `onResponse` hook that corrects a modelled Kraken counter from Kraken's own word: an
 * answer with `EAPI:Rate limit exceeded` means the counter is full, whatever the model thought
 * (another program on the same key spends it too), so the limiter drops to empty and refills
 * at the tier's decay rate. With a `RedisRateLimiter`, every process of the fleet slows down.
 * @example
 * ```ts
 * const counter = rateLimiter({ name: 'kraken:key', ...krakenRateLimits('pro') });
 * const krakenFetch = withBreaker(krakenPreset({ rateLimiter: counter }));
 * ```
 */
export function krakenRateLimitFeedback(
  limiter: RateBudget,
): (outcome: Outcome, context: CallContext) => void {
  return (outcome) => {
    if (isCounterFull(outcome)) limiter.update({ remaining: 0 });
  };
}

function isCounterFull(outcome: Outcome): boolean {
  const body = responseOf(outcome)?.body;
  if (body === undefined) return false;
  const errors = readJsonObject(body)?.error;
  return (
    Array.isArray(errors) &&
    errors.some((e) => typeof e === 'string' && /^EAPI:\s*Rate limit exceeded/i.test(e))
  );
}
