import {
  type CallContext,
  type Emitter,
  RateLimitedError,
  type RateLimitedReason,
  redactError,
} from '../core.ts';
import type { RedisRateLimiterEvents } from './events.ts';

/**
 * Builds and emits a {@link RedisRateLimiter}'s events, each only when someone listens, and
 * its rejections. Every payload names the limiter, never a key or a value found in Redis.
 */
export class LimiterEvents {
  readonly #emitter: Emitter<RedisRateLimiterEvents>;
  readonly #limiter: string;

  constructor(emitter: Emitter<RedisRateLimiterEvents>, limiter: string) {
    this.#emitter = emitter;
    this.#limiter = limiter;
  }

  fallback(active: boolean, processes: number): void {
    if (this.#emitter.has('fallback')) {
      this.#emitter.emit('fallback', { limiter: this.#limiter, active, processes });
    }
  }

  /** Reports the invalid flags of a script's reply: 1 the budget key, 2 the members key. */
  invalid(flags: number): void {
    if (flags === 0 || !this.#emitter.has('invalidData')) return;
    const limiter = this.#limiter;
    if (flags & 1) {
      const problem = 'the budget key held something that is not a Breakwater budget';
      this.#emitter.emit('invalidData', { limiter, source: 'budget', problem });
    }
    if (flags & 2) {
      const problem = 'the members key held something that is not a sorted set';
      this.#emitter.emit('invalidData', { limiter, source: 'members', problem });
    }
  }

  error(operation: 'acquire' | 'report' | 'connection', error: unknown): void {
    if (this.#emitter.has('error')) {
      this.#emitter.emit('error', { limiter: this.#limiter, operation, error: redactError(error) });
    }
  }

  delayed(weight: number, waitMs: number, context: CallContext | undefined): void {
    if (this.#emitter.has('rateLimitDelayed')) {
      this.#emitter.emit('rateLimitDelayed', { limiter: this.#limiter, weight, waitMs, context });
    }
  }

  /** The error a refused call rejects with, after the `rateLimited` event. */
  rejection(
    reason: RateLimitedReason,
    weight: number,
    waitMs: number | undefined,
    context: CallContext | undefined,
  ): RateLimitedError {
    const retryAfterMs = waitMs === undefined ? undefined : Math.ceil(waitMs);
    if (this.#emitter.has('rateLimited')) {
      const limiter = this.#limiter;
      this.#emitter.emit('rateLimited', { limiter, reason, weight, retryAfterMs, context });
    }
    return RateLimitedError.fast(this.#limiter, reason, weight, retryAfterMs);
  }
}
