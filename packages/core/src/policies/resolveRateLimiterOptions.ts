import { type Clock, systemClock } from '../Clock.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { RateLimitedReason } from '../errors/RateLimitedError.ts';
import type { ListenerErrorHandler } from '../events/Emitter.ts';
import type { CallContext } from '../Outcome.ts';
import {
  expectClock,
  expectFunction,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import type { ExecuteOptions } from './Policy.ts';

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** The most weight the bucket holds, and the most a burst may spend (a number > 0). */
  capacity: number;
  /**
   * Weight added per interval, spread continuously: Binance's 6000 weight per minute is
   * `{ amount: 6000, intervalMs: 60_000 }`.
   */
  refill: { amount: number; intervalMs: number };
  /**
   * How long a call may wait for its weight, in milliseconds; a call that would wait longer is
   * rejected at once with `RateLimitedError`. `0` never waits.
   * @defaultValue `0`
   */
  maxWaitMs?: number;
  /**
   * Share of the server's limit held in reserve when the server reports its usage through
   * {@link RateLimiter.update}: with a limit of 6000 and `0.1`, the limiter stops at 600
   * remaining, before the server starts rejecting (and banning). Does not affect the local bucket.
   * @defaultValue `0.1`
   */
  safetyMarginRate?: number;
  /**
   * Cap on a server-reported reset time, in milliseconds from now, so a garbage header cannot
   * stall the limiter for days.
   * @defaultValue `3600000` (1 hour)
   */
  maxResetWaitMs?: number;
  /**
   * Names the limiter in errors and events.
   * @defaultValue `'default'`
   */
  name?: string;
  /**
   * Source of time and of the wake-up timer of waiting calls.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by event listeners.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** The validated, frozen form of {@link RateLimiterOptions}. */
export interface ResolvedRateLimiterOptions {
  readonly capacity: number;
  /** Weight added per millisecond. */
  readonly refillPerMs: number;
  readonly maxWaitMs: number;
  readonly safetyMarginRate: number;
  readonly maxResetWaitMs: number;
  readonly name: string;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler | undefined;
}

/** {@link ExecuteOptions} plus the call's cost. */
export interface RateLimiterExecuteOptions extends ExecuteOptions {
  /**
   * What the call costs, in the server's units (Binance request weight, Kraken counter points).
   * A number >= 0.
   * @defaultValue `1`
   */
  readonly weight?: number;
}

/**
 * What a server reported about its rate limit, parsed from its response headers by an adapter
 * or an exchange preset. Every field is optional; a field that is not a finite number >= 0 (a
 * missing or garbage header) is ignored.
 */
export interface RateLimitReport {
  /** Weight the server still allows in its current window. */
  readonly remaining?: number;
  /** Weight already used in the window (Binance `X-MBX-USED-WEIGHT-1M`); read against `limit`. */
  readonly usedWeight?: number;
  /**
   * The server's limit per window.
   * @defaultValue the limiter's `capacity`
   */
  readonly limit?: number;
  /** When the window resets, in epoch milliseconds (Bybit `X-Bapi-Limit-Reset-Timestamp`). */
  readonly resetAt?: number;
  /** When the window resets, in milliseconds from now. */
  readonly resetInMs?: number;
  /**
   * The server counts in fixed windows of this length aligned to the epoch (Binance: 60000).
   * A count that arrives in the first second (or tenth, for short windows) of a window is
   * ignored: it may be the previous window's, from a response sent before the boundary.
   */
  readonly windowMs?: number;
}

/** Payload of the `rateLimited` event: a call was rejected. */
export interface RateLimitedEvent {
  readonly limiter: string;
  readonly reason: RateLimitedReason;
  readonly weight: number;
  readonly retryAfterMs: number | undefined;
  readonly context: CallContext | undefined;
}

/** Payload of the `rateLimitDelayed` event: a call waits for its weight. */
export interface RateLimitDelayedEvent {
  readonly limiter: string;
  readonly weight: number;
  /** The expected wait, in milliseconds. */
  readonly waitMs: number;
  readonly context: CallContext | undefined;
}

/** Events of a `RateLimiter`. */
export interface RateLimiterEvents {
  rateLimited: RateLimitedEvent;
  rateLimitDelayed: RateLimitDelayedEvent;
}

const known: KnownKeys<RateLimiterOptions> = {
  capacity: true,
  refill: true,
  maxWaitMs: true,
  safetyMarginRate: true,
  maxResetWaitMs: true,
  name: true,
  clock: true,
  onListenerError: true,
};

const knownRefill: KnownKeys<NonNullable<RateLimiterOptions['refill']>> = {
  amount: true,
  intervalMs: true,
};

/**
 * Validates {@link RateLimiterOptions} once.
 * @throws BreakwaterConfigError on a missing, invalid or unknown option
 */
export function resolveRateLimiterOptions(options: RateLimiterOptions): ResolvedRateLimiterOptions {
  expectObject('rateLimiter options', options);
  rejectUnknownKeys('', options, known);
  const capacity = expectPositive('capacity', options.capacity);
  expectObject('refill', options.refill as unknown);
  rejectUnknownKeys('refill', options.refill, knownRefill);
  const amount = expectPositive('refill.amount', options.refill.amount);
  const refillPerMs = amount / expectNumber('refill.intervalMs', options.refill.intervalMs, 1);
  return Object.freeze({
    capacity,
    refillPerMs,
    maxWaitMs: expectNumber('maxWaitMs', options.maxWaitMs ?? 0, 0, Infinity, true),
    safetyMarginRate: expectNumber('safetyMarginRate', options.safetyMarginRate ?? 0.1, 0, 0.99),
    maxResetWaitMs: expectNumber('maxResetWaitMs', options.maxResetWaitMs ?? 3_600_000, 0),
    name: expectString('name', options.name ?? 'default'),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    onListenerError:
      options.onListenerError === undefined
        ? undefined
        : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError),
  });
}

/** A finite number > 0: a rate or a capacity of 0 would never let anything through. */
function expectPositive(path: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    throw new BreakwaterConfigError(path, 'a finite number > 0', value);
  }
  return value;
}
