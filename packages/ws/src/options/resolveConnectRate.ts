import { type Clock, type RateBudget, rateLimiter } from '@breakwater/core';
import {
  expectInteger,
  expectNumber,
  expectObject,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { ConnectRateOptions } from './types.ts';
import { isLimiterLike, maxCount } from './validate.ts';

const knownRate: KnownKeys<ConnectRateOptions> = { limit: true, windowMs: true };

/**
 * The limiter of connection attempts (`maxConnectsPerWindow`): a given `RateLimiter` as it is, a
 * new one for `{ limit, windowMs }` (30 in 5 minutes by default), or none for `false`.
 * @throws BreakwaterConfigError naming the first invalid or unknown `maxConnectsPerWindow` option
 */
export function resolveConnectRate(
  value: ConnectRateOptions | RateBudget | false | undefined,
  name: string,
  clock: Clock,
): RateBudget | undefined {
  if (value === false) return undefined;
  if (isLimiterLike(value)) return value;
  const rate = value ?? { limit: 30, windowMs: 300_000 };
  expectObject('maxConnectsPerWindow', rate as unknown);
  rejectUnknownKeys('maxConnectsPerWindow', rate, knownRate);
  const limit = expectInteger('maxConnectsPerWindow.limit', rate.limit, 2, maxCount);
  const windowMs = expectNumber('maxConnectsPerWindow.windowMs', rate.windowMs, 1, maxTimerMs);
  // A token bucket lets a full bucket plus a window's refill through in one window: half the
  // limit as the burst and half as the refill keep every window at or below `limit`.
  return rateLimiter({
    name: `${name} connects`,
    capacity: Math.ceil(limit / 2),
    refill: { amount: Math.floor(limit / 2), intervalMs: windowMs },
    clock,
  });
}
