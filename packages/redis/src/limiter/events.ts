import type { RateLimiterEvents, RedactedError } from '../core.ts';

/**
 * Redis could not be used (down, slow, or not reached at start), so the limiter went local, or
 * it is back in use. While local, the limiter spends `1 / processes` of the budget on its own.
 */
export interface FallbackEvent {
  readonly limiter: string;
  readonly active: boolean;
  /** The limiters that were sharing the budget when Redis was last reached. */
  readonly processes: number;
}

/** Something under the budget's keys was not the limiter's; it was replaced. */
export interface LimiterInvalidDataEvent {
  readonly limiter: string;
  readonly source: 'budget' | 'members';
  /** What is wrong, without the value itself. */
  readonly problem: string;
}

/** A Redis operation failed; calls went to the local fallback, a report was dropped. */
export interface LimiterErrorEvent {
  readonly limiter: string;
  readonly operation: 'acquire' | 'report' | 'connection';
  /** Redacted (`redactError` of the core). */
  readonly error: RedactedError;
}

/** Every event a {@link RedisRateLimiter} emits: the core `RateLimiter`'s, and its own. */
export interface RedisRateLimiterEvents extends RateLimiterEvents {
  fallback: FallbackEvent;
  invalidData: LimiterInvalidDataEvent;
  error: LimiterErrorEvent;
}
