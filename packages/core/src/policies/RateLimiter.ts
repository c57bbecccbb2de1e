import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { RateLimitedError, type RateLimitedReason } from '../errors/RateLimitedError.ts';
import { Emitter } from '../events/Emitter.ts';
import type { CallContext } from '../Outcome.ts';
import type { Action } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';
import type { RateBudget } from './RateBudget.ts';
import {
  type RateLimiterEvents,
  type RateLimiterExecuteOptions,
  type RateLimiterOptions,
  type RateLimitReport,
  type ResolvedRateLimiterOptions,
  resolveRateLimiterOptions,
} from './resolveRateLimiterOptions.ts';
import { TokenBucket, tokenEpsilon } from './TokenBucket.ts';

interface Waiter {
  readonly weight: number;
  /** Monotonic time after which the call may not be granted. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly context: CallContext | undefined;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  onAbort: (() => void) | undefined;
}

/**
 * A token-bucket rate limiter with per-call weights (Binance-style request weights). A call
 * takes its weight from the bucket and runs; when the weight is not there it waits, first in,
 * first out, for up to `maxWaitMs`, or is rejected at once with {@link RateLimitedError} and
 * the time after which it would fit. The bucket refills lazily from timestamps: no timer runs
 * unless a call is waiting.
 *
 * {@link RateLimiter.update} feeds back what the server reports (remaining weight, used weight,
 * reset time): the limiter never spends more than the server says remains, minus a safety
 * margin, and when that is exhausted it waits for the server's reset, so it slows down before
 * the server rejects or bans.
 *
 * @example
 * ```ts
 * const binance = rateLimiter({
 *   name: 'binance',
 *   capacity: 6000,
 *   refill: { amount: 100, intervalMs: 1_000 },
 *   maxWaitMs: 2_000,
 * });
 * const depth = `${api}/api/v3/depth?symbol=BTCUSDT&limit=1000`; // weight 50
 * const res = await binance.execute((signal) => fetch(depth, { signal }), { weight: 50 });
 * const used = Number(res.headers.get('x-mbx-used-weight-1m'));
 * binance.update({ usedWeight: used, limit: 6000, windowMs: 60_000 });
 * ```
 */
export class RateLimiter
  extends PolicyBase<RateLimiterEvents, RateLimiterExecuteOptions>
  implements RateBudget
{
  readonly #options: ResolvedRateLimiterOptions;
  readonly #bucket: TokenBucket;
  /** Weight the server allows until `#budgetUntil` (monotonic); `Infinity` when unknown. */
  #budget = Infinity;
  #budgetUntil = 0;
  readonly #queue: Waiter[] = [];
  #queuedWeight = 0;
  #timer: unknown = undefined;

  /** @throws BreakwaterConfigError on an invalid option */
  constructor(options: RateLimiterOptions) {
    const resolved = resolveRateLimiterOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
    const { capacity, refillPerMs, clock } = resolved;
    this.#bucket = new TokenBucket(capacity, refillPerMs, clock.monotonic());
  }

  /** The limiter's name. */
  get name(): string {
    return this.#options.name;
  }

  /** Weight a call could take now: the local tokens, capped by the server's last report. */
  get available(): number {
    const now = this.#sync();
    return Math.min(this.#bucket.tokens(now), this.#budget);
  }

  /** Calls waiting for their weight. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Takes `options.weight` and runs `fn`, waiting up to `maxWaitMs` for the weight.
   * @throws RateLimitedError (as a rejection) when the weight would take longer than
   *   `maxWaitMs` to be available, or exceeds the capacity
   * @throws the caller's `signal.reason` (as a rejection) when the signal aborts while waiting
   * @throws BreakwaterConfigError (as a rejection) when `options.weight` is not a number >= 0
   */
  execute<T>(fn: Action<T>, options?: RateLimiterExecuteOptions): Promise<T> {
    // hot path: with the weight there, one clock read and no allocation beyond the action's.
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const weight = options?.weight ?? 1;
    if (!(weight >= 0 && weight !== Infinity)) {
      return Promise.reject(new BreakwaterConfigError('weight', 'a finite number >= 0', weight));
    }
    const context = options?.context;
    if (weight > this.#options.capacity) {
      return Promise.reject(this.#rejection('too_heavy', weight, undefined, context));
    }
    // A timer may be about to grant waiting calls: let them go first, in order.
    if (this.#queue.length > 0) this.#drain();
    const now = this.#sync();
    const waitMs = this.#waitMs(this.#queuedWeight + weight, now);
    if (waitMs === 0) {
      this.#take(weight);
      try {
        return Promise.resolve(fn(signal));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (waitMs > this.#options.maxWaitMs) {
      return Promise.reject(this.#rejection('exhausted', weight, waitMs, context));
    }
    if (this.emitter.has('rateLimitDelayed')) {
      const { name } = this.#options;
      this.emitter.emit('rateLimitDelayed', { limiter: name, weight, waitMs, context });
    }
    return new Promise<void>((resolve, reject) => {
      this.#enqueue({
        weight,
        deadline: now + this.#options.maxWaitMs,
        signal,
        context,
        resolve,
        reject,
        onAbort: undefined,
      });
    }).then(() => fn(signal));
  }

  /**
   * For adapters that manage their own waiting: takes `weight` and returns `0` when it is
   * available now (and nobody is waiting ahead), otherwise takes nothing and returns the
   * milliseconds until it should be; `Infinity` when the weight exceeds the capacity.
   * Emits no event: the caller decides what a wait means.
   * @defaultValue `weight`: `1`
   * @throws BreakwaterConfigError when `weight` is not a finite number >= 0
   */
  tryAcquire(weight = 1): number {
    if (!(weight >= 0 && weight !== Infinity)) {
      throw new BreakwaterConfigError('weight', 'a finite number >= 0', weight);
    }
    if (weight > this.#options.capacity) return Infinity;
    const now = this.#sync();
    const waitMs = this.#waitMs(this.#queuedWeight + weight, now);
    if (waitMs === 0) this.#take(weight);
    return Math.ceil(waitMs);
  }

  /**
   * Tightens the limiter with what the server reported: afterwards it spends at most the
   * reported remaining weight minus `safetyMarginRate × limit`, until the reported reset (or,
   * without a reset time, from the current tokens). A report never loosens the local bucket.
   * Waiting calls that can no longer be granted within their `maxWaitMs` are rejected.
   *
   * @example
   * ```ts
   * // Binance: weight used in the current minute
   * const used = Number(headers.get('x-mbx-used-weight-1m'));
   * limiter.update({ usedWeight: used, limit: 6000, windowMs: 60_000 });
   * // Bybit: remaining requests and the reset time in epoch ms
   * limiter.update({
   *   remaining: Number(headers.get('x-bapi-limit-status')),
   *   limit: Number(headers.get('x-bapi-limit')),
   *   resetAt: Number(headers.get('x-bapi-limit-reset-timestamp')),
   * });
   * ```
   */
  update(report: RateLimitReport): void {
    const now = this.#sync();
    const limit = finite(report.limit) ?? this.#options.capacity;
    const used = finite(report.usedWeight);
    const remaining = finite(report.remaining) ?? (used === undefined ? undefined : limit - used);
    if (remaining === undefined) return;
    if (this.#maybePreviousWindow(report)) return;
    const allowed = Math.max(0, remaining - this.#options.safetyMarginRate * limit);
    const resetInMs = this.#resetInMs(report);
    if (resetInMs === undefined) {
      this.#bucket.tokens(now);
      this.#bucket.clamp(allowed);
      if (this.#budget > allowed) this.#budget = allowed;
    } else if (this.#budget !== Infinity && now + resetInMs <= this.#budgetUntil) {
      if (allowed < this.#budget && hasResetTime(report) && now + resetInMs < this.#budgetUntil) {
        // A tighter limit that ends sooner, such as a 429's Retry-After inside a window whose
        // count is known: hold calls that long, not to the end of the window. The next count
        // the server sends starts the window again.
        this.#budget = allowed;
        this.#budgetUntil = now + resetInMs;
      } else if (this.#budget > allowed) {
        // The same window as the last report: keep the tighter of the two, because responses
        // arrive out of order and the local count already includes calls sent since.
        this.#budget = allowed;
      }
    } else {
      this.#budget = allowed;
      this.#budgetUntil = now + resetInMs;
    }
    this.#rejectLate(now);
    this.#drain();
  }

  /** Reads the clock once and ends an expired server window. */
  #sync(): number {
    const now = this.#options.clock.monotonic();
    if (this.#budget !== Infinity && now >= this.#budgetUntil) this.#budget = Infinity;
    return now;
  }

  /** Milliseconds until `weight` can be taken: the local bucket, then the server's window. */
  #waitMs(weight: number, now: number): number {
    const local = this.#bucket.msUntil(weight, now);
    if (weight <= this.#budget + tokenEpsilon) return local;
    return Math.max(local, this.#budgetUntil - now);
  }

  #take(weight: number): void {
    this.#bucket.take(weight);
    if (this.#budget !== Infinity) this.#budget = Math.max(0, this.#budget - weight);
  }

  /**
   * A count for fixed windows (`windowMs`, no reset time) that arrives in the first moments of
   * a window may have been taken in the previous one: the response to a request sent at
   * 11:59:59.95 arrives at 12:00:00.02 carrying the old minute's count. Read as the new
   * window's, it would stall the limiter for a whole window; ignoring it loses nothing the
   * local bucket does not already enforce.
   */
  #maybePreviousWindow(report: RateLimitReport): boolean {
    const windowMs = finite(report.windowMs);
    if (windowMs === undefined || windowMs === 0) return false;
    if (finite(report.resetInMs) !== undefined || finite(report.resetAt) !== undefined)
      return false;
    const intoWindowMs = this.#options.clock.now() % windowMs;
    return intoWindowMs < Math.min(lateReportMs, windowMs / 10);
  }

  #resetInMs(report: RateLimitReport): number | undefined {
    const { clock, maxResetWaitMs } = this.#options;
    let ms = finite(report.resetInMs);
    const resetAt = finite(report.resetAt);
    if (ms === undefined && resetAt !== undefined) ms = resetAt - clock.now();
    const windowMs = finite(report.windowMs);
    if (ms === undefined && windowMs !== undefined && windowMs > 0) {
      ms = windowMs - (clock.now() % windowMs);
    }
    if (ms === undefined || ms <= 0) return undefined;
    return Math.min(ms, maxResetWaitMs);
  }

  #enqueue(waiter: Waiter): void {
    this.#queue.push(waiter);
    this.#queuedWeight += waiter.weight;
    const signal = waiter.signal;
    if (signal !== undefined) {
      waiter.onAbort = () => {
        this.#remove(waiter);
        waiter.reject(signal.reason);
        this.#drain();
      };
      signal.addEventListener('abort', waiter.onAbort);
    }
    if (this.#queue.length === 1) this.#drain();
  }

  #remove(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    this.#queuedWeight -= waiter.weight;
    if (waiter.onAbort !== undefined) {
      waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.onAbort = undefined;
    }
  }

  /** Grants waiting calls in order while their weight is there; wakes up for the next one. */
  readonly #drain = (): void => {
    const { clock } = this.#options;
    if (this.#timer !== undefined) {
      clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const now = this.#sync();
    for (let head = this.#queue[0]; head !== undefined; head = this.#queue[0]) {
      const waitMs = this.#waitMs(head.weight, now);
      if (waitMs > 0) {
        this.#timer = clock.setTimeout(this.#drain, Math.ceil(waitMs));
        return;
      }
      this.#remove(head);
      this.#take(head.weight);
      head.resolve();
    }
  };

  /** After a server report: rejects waiting calls that can no longer be granted in time. */
  #rejectLate(now: number): void {
    let ahead = 0;
    for (const waiter of [...this.#queue]) {
      const waitMs = this.#waitMs(ahead + waiter.weight, now);
      if (now + waitMs > waiter.deadline + tokenEpsilon) {
        this.#remove(waiter);
        waiter.reject(this.#rejection('exhausted', waiter.weight, waitMs, waiter.context));
      } else {
        ahead += waiter.weight;
      }
    }
  }

  #rejection(
    reason: RateLimitedReason,
    weight: number,
    waitMs: number | undefined,
    context: CallContext | undefined,
  ): RateLimitedError {
    const { name } = this.#options;
    const retryAfterMs = waitMs === undefined ? undefined : Math.ceil(waitMs);
    if (this.emitter.has('rateLimited')) {
      this.emitter.emit('rateLimited', { limiter: name, reason, weight, retryAfterMs, context });
    }
    return RateLimitedError.fast(name, reason, weight, retryAfterMs);
  }
}

/** How long after a window boundary a fixed-window count may still be the old window's. */
const lateReportMs = 1_000;

function finite(value: number | undefined): number | undefined {
  return typeof value === 'number' && value >= 0 && value !== Infinity ? value : undefined;
}

/**
 * Creates a {@link RateLimiter}.
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * // Kraken: a counter of 15 that decays by 0.33 per second
 * const kraken = rateLimiter({ name: 'kraken', capacity: 15, refill: { amount: 0.33, intervalMs: 1_000 } });
 * ```
 */
export function rateLimiter(options: RateLimiterOptions): RateLimiter {
  return new RateLimiter(options);
}

/** True when a report says when its limit resets, rather than leaving it to a fixed window. */
function hasResetTime(report: RateLimitReport): boolean {
  return finite(report.resetInMs) !== undefined || finite(report.resetAt) !== undefined;
}
