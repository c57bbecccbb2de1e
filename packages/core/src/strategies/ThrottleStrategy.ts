import type { Clock } from '../Clock.ts';
import { BucketRing } from './BucketRing.ts';
import { SampledClock } from './SampledClock.ts';
import {
  type AdmissionRefusal,
  type BreakerStrategy,
  type WindowStats,
  windowStats,
} from './types.ts';

/**
 * Options of the `throttle` strategy: client-side adaptive throttling, as in the Google SRE
 * book's "Handling Overload".
 */
export interface ThrottleStrategyOptions {
  /** Required: the throttle is never inferred from other keys. */
  readonly type: 'throttle';
  /**
   * How many calls per accepted call the client may send: calls are rejected with probability
   * `max(0, (requests − k·accepts) / (requests + 1))`. Lower is more aggressive (`1.1`); at
   * least 1, or a healthy dependency would be throttled.
   * @defaultValue `2`
   */
  readonly k?: number;
  /**
   * Length of the sliding window `requests` and `accepts` are counted over.
   * @defaultValue `120000` (the SRE book's two minutes)
   */
  readonly windowMs?: number;
  /**
   * Buckets the window is divided into; more buckets forget old calls more smoothly.
   * @defaultValue `12`
   */
  readonly bucketCount?: number;
  /**
   * Requests the window must hold before anything is rejected: with one failed call and no
   * other, the formula alone would reject every second call.
   * @defaultValue `10`
   */
  readonly minCalls?: number;
  /**
   * The highest rejection probability. Below 1, a share of the calls still reaches a dependency
   * that accepts nothing, so it is seen to recover without a probe.
   * @defaultValue `0.9`
   */
  readonly maxRejectionRate?: number;
}

/** The validated settings of a {@link ThrottleStrategy}. */
export interface ResolvedThrottleOptions {
  readonly k: number;
  readonly windowMs: number;
  readonly bucketCount: number;
  readonly minCalls: number;
  readonly maxRejectionRate: number;
}

const REQUESTS = 0;
const ACCEPTS = 1;
const FAILURES = 2;

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"): over a sliding
 * window, `requests` counts every call the application made (admitted ones when they end, and
 * the ones rejected here) and `accepts` the calls the dependency served (a success). Each new
 * call is rejected locally with probability `max(0, (requests − k·accepts) / (requests + 1))`,
 * capped by `maxRejectionRate`. When the dependency accepts at most A calls a second, the calls
 * that reach it settle at about k·A a second, whatever the client offers; as it recovers,
 * `accepts` grows and the rejections fade away. The breaker never opens on failures (a failure
 * that carries a Retry-After still opens it, by `openOnRetryAfter`): the throttle degrades
 * smoothly and needs no probe.
 *
 * A rejection is a `BreakerOpenError` with `state: 'closed'` and the probability in
 * `rejectionRate`. Ignored and cancelled calls count neither as requests nor as accepts.
 *
 * @see https://sre.google/sre-book/handling-overload/
 */
export class ThrottleStrategy implements BreakerStrategy {
  // `usesTime: false`: the breaker reads no clock for it; the strategy keeps its own time, read
  // at most once per call (see SampledClock), which is all buckets of seconds need.
  declare readonly usesTime: false;
  declare readonly tracksLatency: false;
  readonly #options: ResolvedThrottleOptions;
  readonly #clock: Clock;
  /** The window and its time, created on the first call: an idle breaker holds neither. */
  #ring: BucketRing | undefined;
  #time: SampledClock | undefined;

  constructor(options: ResolvedThrottleOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  // hot path: asked before every call of a closed breaker.
  admit(): boolean | AdmissionRefusal {
    const ring = this.#ring ?? this.#start();
    const time = this.#time!;
    ring.advance(time.monotonic());
    if (this.#rejectionRate() === 0) return true;
    // Throttling: decide on the exact time, as the sampled one may predate a pause.
    ring.advance(time.exact());
    const rate = this.#rejectionRate();
    if (rate === 0 || this.#clock.random() >= rate) return true;
    ring.add(REQUESTS, 1);
    return { rejectionRate: rate };
  }

  // hot path: every success of a closed breaker. Counted in the bucket its call started in.
  onSuccess(): boolean {
    const ring = this.#ring;
    if (ring === undefined) return false;
    ring.add(REQUESTS, 1);
    ring.add(ACCEPTS, 1);
    return false;
  }

  onFailure(): boolean {
    const ring = this.#ring;
    if (ring === undefined) return false;
    ring.add(REQUESTS, 1);
    ring.add(FAILURES, 1);
    return false;
  }

  reset(): void {
    this.#ring?.clear();
  }

  describe() {
    return { type: 'throttle', ...this.#options } as const;
  }

  /** Calls are the window's requests, failures its failed calls (local rejections are neither). */
  stats(): WindowStats & { readonly accepts: number; readonly rejectionRate: number } {
    const ring = this.#ring ?? this.#start();
    ring.advance(this.#clock.monotonic());
    return {
      ...windowStats(ring.total(REQUESTS), ring.total(FAILURES), 0),
      accepts: ring.total(ACCEPTS),
      rejectionRate: this.#rejectionRate(),
    };
  }

  #start(): BucketRing {
    const { windowMs, bucketCount } = this.#options;
    const ring = new BucketRing(windowMs, bucketCount, 3);
    this.#time = new SampledClock(this.#clock, ring.bucketMs / 16);
    this.#ring = ring;
    return ring;
  }

  #rejectionRate(): number {
    const ring = this.#ring!;
    const requests = ring.total(REQUESTS);
    const { k, minCalls, maxRejectionRate } = this.#options;
    if (requests < minCalls) return 0;
    const rate = (requests - k * ring.total(ACCEPTS)) / (requests + 1);
    return rate <= 0 ? 0 : Math.min(rate, maxRejectionRate);
  }

  static {
    Object.defineProperties(ThrottleStrategy.prototype, {
      usesTime: { value: false },
      tracksLatency: { value: false },
    });
  }
}
