import type { Action, Policy } from './Policy.ts';
import type {
  RateLimiterEvents,
  RateLimiterExecuteOptions,
  RateLimitReport,
} from './resolveRateLimiterOptions.ts';

/**
 * What every Breakwater rate limiter offers, whether its budget lives in one process (the
 * core {@link RateLimiter}) or is shared by a fleet (`RedisRateLimiter` of
 * `@breakwater/redis`). The exchange presets' rate-limit feedback and the WebSocket guard take
 * any `RateBudget`.
 */
export interface RateBudget extends Policy {
  /** Names the budget in errors and events. */
  readonly name: string;
  /** Weight a call could take now without waiting. */
  readonly available: number;
  /** Calls waiting for their weight. */
  readonly queued: number;
  /** Takes `options.weight` (waiting up to the limiter's `maxWaitMs`) and runs `fn`. */
  execute<T>(fn: Action<T>, options?: RateLimiterExecuteOptions): Promise<T>;
  /**
   * Takes `weight` and returns `0` when it is available now; otherwise takes nothing and
   * returns the milliseconds until it should be (`Infinity`: it never will).
   */
  tryAcquire(weight?: number): number;
  /** Tightens the budget with what the server reported. */
  update(report: RateLimitReport): void;
  /** Subscribes to the limiter's events; returns an idempotent unsubscribe function. */
  on<K extends keyof RateLimiterEvents>(
    event: K,
    listener: (payload: RateLimiterEvents[K]) => void,
  ): () => void;
}
