import { BreakwaterError, findBreakwaterError, withoutStack } from './BreakwaterError.ts';

/**
 * Why a rate limiter turned a call away:
 * - `exhausted`: not enough weight is left, locally or by the server's last report, and the
 *   wait would exceed `maxWaitMs`;
 * - `too_heavy`: the call's weight exceeds the limiter's capacity, so it can never pass.
 */
export type RateLimitedReason = 'exhausted' | 'too_heavy';

/**
 * Thrown when a rate limiter rejects a call without running it. Nothing was sent: the call may be
 * retried after `retryAfterMs`. An outer breaker treats it as `ignore`: holding back is not the
 * dependency's failure.
 *
 * Created without a stack trace (see `withoutStack()`): a drained limiter rejects in a hot
 * loop, and the stack would only point into Breakwater.
 */
export class RateLimitedError extends BreakwaterError {
  readonly code = 'BREAKWATER_RATE_LIMITED' as const;
  override readonly name = 'RateLimitedError';
  /** The rate limiter's name. */
  readonly limiter: string;
  /** Why the call was rejected. */
  readonly reason: RateLimitedReason;
  /** The weight the call asked for. */
  readonly weight: number;
  /**
   * Milliseconds until the weight is expected to be available; `undefined` for `too_heavy`,
   * which never passes.
   */
  readonly retryAfterMs: number | undefined;

  constructor(limiter: string, reason: RateLimitedReason, weight: number, retryAfterMs?: number) {
    super(describe(limiter, reason, weight, retryAfterMs));
    this.limiter = limiter;
    this.reason = reason;
    this.weight = weight;
    this.retryAfterMs = retryAfterMs;
  }

  /** Creates the error without capturing a stack trace: the fast-fail path. */
  static fast(
    limiter: string,
    reason: RateLimitedReason,
    weight: number,
    retryAfterMs?: number,
  ): RateLimitedError {
    return withoutStack(() => new RateLimitedError(limiter, reason, weight, retryAfterMs));
  }
}

function describe(
  limiter: string,
  reason: RateLimitedReason,
  weight: number,
  retryAfterMs: number | undefined,
): string {
  if (reason === 'too_heavy') {
    return (
      `Rate limiter "${limiter}" can never grant weight ${weight}: it exceeds the capacity; ` +
      'raise capacity or split the call.'
    );
  }
  const ms = Math.ceil(retryAfterMs ?? 0);
  return `Rate limiter "${limiter}" has no room for weight ${weight}; retry after ${ms} ms.`;
}

/**
 * True when `value`, or an error in its `cause` chain, is a {@link RateLimitedError} from any copy
 * of Breakwater.
 */
export function isRateLimitedError(value: unknown): value is RateLimitedError {
  return findBreakwaterError(value, 'BREAKWATER_RATE_LIMITED') !== undefined;
}
