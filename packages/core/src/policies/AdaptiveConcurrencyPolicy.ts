import { type Clock, systemClock } from '../Clock.ts';
import { BulkheadRejectedError } from '../errors/BulkheadRejectedError.ts';
import { Emitter, type ListenerErrorHandler } from '../events/Emitter.ts';
import type { CallContext } from '../Outcome.ts';
import { rejectDeferred } from '../rejectDeferred.ts';
import { SampledClock } from '../strategies/SampledClock.ts';
import {
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import type { BulkheadRejectedEvent } from './BulkheadPolicy.ts';
import type { Action, ExecuteOptions } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';

/** Options for {@link AdaptiveConcurrencyPolicy}. */
export interface AdaptiveConcurrencyOptions {
  /**
   * Names the limit in errors and events.
   * @defaultValue `'default'`
   */
  name?: string;
  /**
   * The limit before anything was measured.
   * @defaultValue `20`
   */
  initialLimit?: number;
  /**
   * The limit never goes below this (an integer >= 1).
   * @defaultValue `1`
   */
  minLimit?: number;
  /**
   * The limit never goes above this.
   * @defaultValue `1000`
   */
  maxLimit?: number;
  /**
   * How often the limit is updated: each window's mean latency is one measurement.
   * @defaultValue `1000`
   */
  windowMs?: number;
  /**
   * Timed calls that must end in a window before it counts; a window with fewer is extended
   * (and more calls are timed).
   * @defaultValue `10`
   */
  minWindowCalls?: number;
  /**
   * Latency above `tolerance × ` the no-load latency means the dependency is queueing: the
   * limit then drops to the concurrency it served without queueing. At least 1.
   * @defaultValue `1.1`
   */
  tolerance?: number;
  /**
   * Source of time.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by event listeners.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** The validated, frozen form of {@link AdaptiveConcurrencyOptions}. */
export interface ResolvedAdaptiveConcurrencyOptions {
  readonly name: string;
  readonly initialLimit: number;
  readonly minLimit: number;
  readonly maxLimit: number;
  readonly windowMs: number;
  readonly minWindowCalls: number;
  readonly tolerance: number;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler | undefined;
}

/** Payload of the `limitChanged` event: one window's measurement and what it did. */
export interface LimitChangedEvent {
  readonly limiter: string;
  readonly from: number;
  readonly to: number;
  /**
   * `grow`: latency stayed near the no-load latency with the limit in use; `queueing`: latency
   * rose, and the limit dropped to the concurrency served without queueing.
   */
  readonly reason: 'grow' | 'queueing';
  /** The window's mean latency. */
  readonly latencyMs: number;
  /** The lowest window latency seen: the dependency's latency without queueing. */
  readonly noLoadLatencyMs: number;
  /** Mean calls in flight over the window. */
  readonly inFlight: number;
}

/** Events of an {@link AdaptiveConcurrencyPolicy}. */
export interface AdaptiveConcurrencyEvents {
  limitChanged: LimitChangedEvent;
  bulkheadRejected: BulkheadRejectedEvent;
}

/** What an {@link AdaptiveConcurrencyPolicy} knows now. */
export interface AdaptiveConcurrencySnapshot {
  readonly limit: number;
  readonly inFlight: number;
  readonly noLoadLatencyMs: number | undefined;
  /** The last completed window's mean latency. */
  readonly latencyMs: number | undefined;
  /** True until the first queueing was seen: the limit doubles each window until then. */
  readonly slowStart: boolean;
}

const known: KnownKeys<AdaptiveConcurrencyOptions> = {
  name: true,
  initialLimit: true,
  minLimit: true,
  maxLimit: true,
  windowMs: true,
  minWindowCalls: true,
  tolerance: true,
  clock: true,
  onListenerError: true,
};

/**
 * Validates {@link AdaptiveConcurrencyOptions} once.
 * @throws BreakwaterConfigError on an invalid or unknown option
 */
export function resolveAdaptiveConcurrencyOptions(
  options: AdaptiveConcurrencyOptions = {},
): ResolvedAdaptiveConcurrencyOptions {
  expectObject('adaptiveConcurrency options', options);
  rejectUnknownKeys('', options, known);
  const minLimit = expectInteger('minLimit', options.minLimit ?? 1, 1);
  const maxLimit = expectInteger(
    'maxLimit',
    options.maxLimit ?? Math.max(1000, minLimit),
    minLimit,
  );
  const initialLimit = expectNumber(
    'initialLimit',
    options.initialLimit ?? Math.min(Math.max(20, minLimit), maxLimit),
    minLimit,
    maxLimit,
  );
  return Object.freeze({
    name: expectString('name', options.name ?? 'default'),
    initialLimit,
    minLimit,
    maxLimit,
    windowMs: expectNumber('windowMs', options.windowMs ?? 1000, 1),
    minWindowCalls: expectInteger('minWindowCalls', options.minWindowCalls ?? 10, 1),
    tolerance: expectNumber('tolerance', options.tolerance ?? 1.1, 1),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    onListenerError:
      options.onListenerError === undefined
        ? undefined
        : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError),
  });
}

/**
 * A bulkhead whose limit follows the dependency's latency, for dependencies that slow down
 * before they fail (as Netflix's concurrency-limits does with its Vegas and Gradient2 limits).
 * Calls over the limit are rejected at once with a {@link BulkheadRejectedError} (reason
 * `limit`): there is no queue, a queue would hide the very latency the limit reads.
 *
 * Each window (`windowMs`, at least `minWindowCalls` timed calls) yields the mean latency and
 * the mean calls in flight. Only a sample of the calls is timed (all of them when they are few,
 * one in up to 16 at high rates): a clock read costs as much as a whole call on the CI machines.
 * The lowest window latency is the no-load latency. Then, like TCP Vegas:
 * - latency above `tolerance ×` no-load means the dependency queues: the calls it served
 *   without queueing are `inFlight × noLoad / latency`, and the limit drops to that
 *   (multiplicative decrease, in one window);
 * - otherwise, if the limit was used (on average at least half of it in flight), it grows: doubling
 *   until the first queueing (slow start), then by 1, 2, 4… per window up to half its square root,
 *   so it probes gently just above the capacity it found and quickly when capacity returns.
 *
 * A no-load latency that rises for good (the dependency became slower for everyone) is
 * re-learned once the limit is down to `minLimit` and latency is still high.
 *
 * @example
 * ```ts
 * const orders = adaptiveConcurrency({ name: 'orders', minLimit: 2, maxLimit: 64 });
 * await orders.execute((signal) => placeOrder(order, { signal }));
 * ```
 * @see https://github.com/Netflix/concurrency-limits
 */
export class AdaptiveConcurrencyPolicy extends PolicyBase<AdaptiveConcurrencyEvents> {
  readonly #options: ResolvedAdaptiveConcurrencyOptions;
  #limit: number;
  #inFlight = 0;
  #slowStart = true;
  /** What the limit grows by in the next window without queueing: 1 after a backoff, doubling. */
  #step = 1;
  #noLoad: number | undefined;
  #lastLatency: number | undefined;
  /** Monotonic ms the current window started, or -1 before the first call. */
  #windowStart = -1;
  /** Calls admitted in the window. */
  #calls = 0;
  /** Timed calls that ended in the window, their summed latency and calls in flight. */
  #samples = 0;
  #latencySum = 0;
  #inFlightSum = 0;
  /** Time one call in this many; calls left until the next timed one. */
  #sampleEvery = 1;
  #untilSample = 0;
  readonly #time: SampledClock;

  /** @throws BreakwaterConfigError on an invalid option */
  constructor(options: AdaptiveConcurrencyOptions = {}) {
    const resolved = resolveAdaptiveConcurrencyOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
    this.#limit = resolved.initialLimit;
    this.#time = new SampledClock(resolved.clock, resolved.windowMs / 16);
  }

  /** The limiter's name. */
  get name(): string {
    return this.#options.name;
  }

  /** The concurrency limit in force (a real number; calls are admitted while fewer run). */
  get limit(): number {
    return this.#limit;
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  snapshot(): AdaptiveConcurrencySnapshot {
    return {
      limit: this.#limit,
      inFlight: this.#inFlight,
      noLoadLatencyMs: this.#noLoad,
      latencyMs: this.#lastLatency,
      slowStart: this.#slowStart,
    };
  }

  /**
   * Runs `fn` if fewer than `limit` calls are running.
   * @throws BulkheadRejectedError (as a rejection, reason `limit`) when the limit is reached
   * @throws the caller's `signal.reason` (as a rejection) when the signal is already aborted
   */
  execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T> {
    // hot path: an untimed call allocates nothing but the `.then` on the action's promise, and
    // reads the clock at most once (sampled).
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#closeWindow(this.#time.monotonic());
    if (this.#inFlight >= this.#limit) {
      return rejectDeferred(this.#reject(options?.context));
    }
    this.#inFlight++;
    this.#calls++;
    if (--this.#untilSample <= 0) return this.#runTimed(fn, signal);
    let pending: PromiseLike<T>;
    try {
      pending = fn(signal);
    } catch (error) {
      this.#inFlight--;
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(this.#succeeded, this.#failed) as Promise<T>;
  }

  readonly #succeeded = (value: unknown): unknown => {
    this.#inFlight--;
    return value;
  };

  readonly #failed = (error: unknown): never => {
    this.#inFlight--;
    throw error;
  };

  /**
   * Times one call exactly (two clock reads and a closure): one call in `#sampleEvery`, every
   * call when they are few. The calls in flight it finds on arrival sample their time average
   * (arrivals see time averages).
   */
  #runTimed<T>(fn: Action<T>, signal: AbortSignal | undefined): Promise<T> {
    this.#untilSample = this.#sampleEvery;
    const clock = this.#options.clock;
    const inFlight = this.#inFlight;
    const start = clock.monotonic();
    const done = (): void => {
      this.#inFlight--;
      this.#latencySum += clock.monotonic() - start;
      this.#inFlightSum += inFlight;
      this.#samples++;
    };
    let pending: PromiseLike<T>;
    try {
      pending = fn(signal);
    } catch (error) {
      done();
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  /** Measures the window and updates the limit, once the window is long and full enough. */
  #closeWindow(now: number): void {
    if (this.#windowStart < 0) {
      this.#windowStart = now;
      return;
    }
    const samples = this.#samples;
    if (now - this.#windowStart < this.#options.windowMs) return;
    const minSamples = this.#options.minWindowCalls;
    if (samples < minSamples) {
      // Too few timed calls: time more of them.
      this.#sampleEvery = Math.max(1, this.#sampleEvery >> 1);
      return;
    }
    this.#update(this.#latencySum / samples, this.#inFlightSum / samples);
    // Aim at four times the samples needed per window, timing at most every call and at least
    // one in 16: each timed call costs two clock reads and a closure.
    this.#sampleEvery = Math.min(16, Math.max(1, Math.floor(this.#calls / (4 * minSamples))));
    this.#windowStart = now;
    this.#calls = 0;
    this.#samples = 0;
    this.#latencySum = 0;
    this.#inFlightSum = 0;
  }

  #update(latency: number, inFlight: number): void {
    const { tolerance, minLimit, maxLimit } = this.#options;
    this.#lastLatency = latency;
    const limit = this.#limit;
    if (this.#noLoad === undefined || latency < this.#noLoad) this.#noLoad = latency;
    const noLoad = this.#noLoad;
    let next = limit;
    let reason: LimitChangedEvent['reason'] = 'grow';
    if (latency > noLoad * tolerance) {
      if (limit <= minLimit) {
        // Slow even at the least load we offer: the dependency itself got slower.
        this.#noLoad = latency;
      } else {
        next = (inFlight * noLoad) / latency;
        reason = 'queueing';
        this.#slowStart = false;
        this.#step = 1;
      }
    } else if (inFlight >= limit / 2) {
      if (this.#slowStart) next = limit * 2;
      else {
        next = limit + this.#step;
        this.#step = Math.min(this.#step * 2, Math.max(1, Math.sqrt(limit) / 2));
      }
    }
    next = Math.min(maxLimit, Math.max(minLimit, next));
    if (next === limit) return;
    this.#limit = next;
    if (this.emitter.has('limitChanged')) {
      this.emitter.emit('limitChanged', {
        limiter: this.#options.name,
        from: limit,
        to: next,
        reason,
        latencyMs: latency,
        noLoadLatencyMs: noLoad,
        inFlight,
      });
    }
  }

  #reject(context: CallContext | undefined): BulkheadRejectedError {
    const { name } = this.#options;
    if (this.emitter.has('bulkheadRejected')) {
      this.emitter.emit('bulkheadRejected', {
        bulkhead: name,
        reason: 'limit',
        active: this.#inFlight,
        queued: 0,
        context,
      });
    }
    return BulkheadRejectedError.fast(name, 'limit', Math.floor(this.#limit));
  }
}

/**
 * Creates an {@link AdaptiveConcurrencyPolicy}.
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const exchange = adaptiveConcurrency({ name: 'kraken', maxLimit: 50 });
 * ```
 */
export function adaptiveConcurrency(
  options?: AdaptiveConcurrencyOptions,
): AdaptiveConcurrencyPolicy {
  return new AdaptiveConcurrencyPolicy(options);
}
