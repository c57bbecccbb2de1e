import type { Clock } from '../Clock.ts';
import { BucketRing } from './BucketRing.ts';
import { SampledClock } from './SampledClock.ts';
import { type BreakerStrategy, type WindowStats, windowStats } from './types.ts';

/**
 * Options of the `adaptive` strategy: a threshold learned from the dependency's own failure
 * rate and latency instead of a fixed one.
 */
export interface AdaptiveStrategyOptions {
  /** Required: the adaptive threshold is never inferred from other keys. */
  readonly type: 'adaptive';
  /**
   * The current window: the failure rate and mean latency compared with the baseline are over
   * the last `windowMs`.
   * @defaultValue `60000`
   */
  readonly windowMs?: number;
  /**
   * Buckets the window is divided into. Each completed bucket is one sample of the baseline.
   * @defaultValue `6`
   */
  readonly bucketCount?: number;
  /**
   * How fast the baseline forgets: a sample this old weighs half as much as a new one.
   * @defaultValue `600000` (10 minutes)
   */
  readonly halfLifeMs?: number;
  /**
   * Traffic the baseline must have learned from (in ms of buckets with calls) before it is
   * trusted; until then the thresholds are the ceilings `maxFailureRate` and `maxLatencyMs`.
   * @defaultValue `300000` (5 minutes)
   */
  readonly warmupMs?: number;
  /**
   * How many standard deviations above the baseline the current window must be to open.
   * @defaultValue `3`
   */
  readonly deviations?: number;
  /**
   * Calls the current window must hold before it can open the breaker.
   * @defaultValue `20`
   */
  readonly minCalls?: number;
  /**
   * Floor of the failure-rate threshold: a quiet baseline of 0 % must not open on one failure.
   * @defaultValue `0.1`
   */
  readonly minFailureRate?: number;
  /**
   * Ceiling of the failure-rate threshold: at or above it the breaker opens, whatever was
   * learned (and during warm-up).
   * @defaultValue `0.8`
   */
  readonly maxFailureRate?: number;
  /**
   * Floor of the latency threshold, in ms of mean latency. `Infinity` (with `maxLatencyMs`)
   * turns latency off.
   * @defaultValue `100`
   */
  readonly minLatencyMs?: number;
  /**
   * Ceiling of the latency threshold: a mean latency above it opens the breaker, whatever was
   * learned (and during warm-up).
   * @defaultValue `30000`
   */
  readonly maxLatencyMs?: number;
}

/** The validated settings of an {@link AdaptiveStrategy}. */
export type ResolvedAdaptiveOptions = Readonly<Required<Omit<AdaptiveStrategyOptions, 'type'>>>;

/** Why an adaptive strategy opened the breaker last. */
export interface AdaptiveTrip {
  readonly reason: 'failureRate' | 'latency';
  /** The window's failure rate or mean latency (ms) when it opened. */
  readonly current: number;
  readonly threshold: number;
  readonly baseline: number;
  /** Monotonic ms of the decision. */
  readonly at: number;
}

/** What an adaptive strategy's window holds, and how it decides: `snapshot().window`. */
export interface AdaptiveWindowStats extends WindowStats {
  /** Mean latency (ms) of the calls in the window, counting the time of calls still running. */
  readonly latencyMs: number;
  /** `warmup` until `warmupMs` of traffic was learned (the thresholds are the ceilings). */
  readonly phase: 'warmup' | 'learned';
  /** The learned baseline: means and standard deviations of the samples (completed buckets). */
  readonly baseline: {
    readonly failureRate: number;
    readonly failureRateDeviation: number;
    readonly latencyMs: number;
    readonly latencyDeviationMs: number;
    /** Traffic learned from, in ms of buckets with calls. */
    readonly learnedMs: number;
  };
  /** What opens the breaker: the window's rate or latency above these. */
  readonly threshold: { readonly failureRate: number; readonly latencyMs: number };
  readonly lastTrip: AdaptiveTrip | undefined;
  /** The decision in one sentence. */
  readonly why: string;
}

const CALLS = 0;
const FAILURES = 1;
/** Σ calls in flight × ms: its ratio to ENDED is the mean latency (Little's law). */
const BUSY = 2;
/** Calls that ended, counted or not. */
const ENDED = 3;

/**
 * The learning and the window behind an {@link AdaptiveStrategy}, created on its first call so
 * that an idle breaker holds only the strategy's three fields.
 */
class AdaptiveModel {
  readonly #options: ResolvedAdaptiveOptions;
  readonly #time: Pick<Clock, 'monotonic'>;
  readonly #clock: Clock;
  readonly #ring: BucketRing;
  /** Per-sample smoothing factor: 1 − 2^(−bucketMs / halfLifeMs). */
  readonly #alpha: number;
  #inFlight = 0;
  #lastEventAt = 0;
  #failureMean = 0;
  #failureVar = 0;
  #latencyMean = 0;
  #latencyVar = 0;
  #learnedMs = 0;
  #latencySamples = 0;
  #failureThreshold: number;
  #latencyThreshold: number;
  #lastTrip: AdaptiveTrip | undefined;

  constructor(options: ResolvedAdaptiveOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#ring = new BucketRing(options.windowMs, options.bucketCount, 4);
    // The model keeps its own time: exact with latency on, sampled with latency off.
    this.#time =
      options.minLatencyMs === Number.POSITIVE_INFINITY
        ? new SampledClock(clock, this.#ring.bucketMs / 16)
        : clock;
    this.#alpha = 1 - 2 ** (-this.#ring.bucketMs / options.halfLifeMs);
    this.#failureThreshold = options.maxFailureRate;
    this.#latencyThreshold = options.maxLatencyMs;
  }

  // hot path: every success of a closed breaker.
  onSuccess(): boolean {
    const now = this.#time.monotonic();
    this.#end(now, 0);
    return this.#exceeds(now) && this.#stillExceeds();
  }

  onFailure(): boolean {
    const now = this.#time.monotonic();
    this.#end(now, 1);
    return this.#exceeds(now) && this.#stillExceeds();
  }

  /** Opens on the exact time only: a sampled one may predate a pause, and a stale window. */
  #stillExceeds(): boolean {
    const time = this.#time;
    if (!(time instanceof SampledClock)) return true;
    const now = time.exact();
    this.#advance(now);
    return this.#exceeds(now);
  }

  reset(): void {
    this.#ring.clear();
  }

  stats(): AdaptiveWindowStats {
    this.#advance(this.#clock.monotonic());
    const ring = this.#ring;
    const calls = ring.total(CALLS);
    const failures = ring.total(FAILURES);
    const latencyMs = this.#latency();
    const warm = this.#warm();
    const failureThreshold = this.#failureThreshold;
    const latencyThreshold = this.#latencyThreshold;
    const lastTrip = this.#lastTrip;
    return {
      ...windowStats(calls, failures, 0),
      latencyMs,
      phase: warm ? 'learned' : 'warmup',
      baseline: {
        failureRate: this.#failureMean,
        failureRateDeviation: Math.sqrt(this.#failureVar),
        latencyMs: this.#latencyMean,
        latencyDeviationMs: Math.sqrt(this.#latencyVar),
        learnedMs: this.#learnedMs,
      },
      threshold: { failureRate: failureThreshold, latencyMs: latencyThreshold },
      lastTrip,
      why: this.#explain(calls, failures, latencyMs, warm),
    };
  }

  #explain(calls: number, failures: number, latencyMs: number, warm: boolean): string {
    const { minCalls, warmupMs } = this.#options;
    const trip = this.#lastTrip;
    const last =
      trip === undefined
        ? ''
        : ` Last opened on ${trip.reason === 'latency' ? 'latency' : 'failure rate'} ${round(trip.current)} above ${round(trip.threshold)} (baseline ${round(trip.baseline)}).`;
    const phase = warm
      ? `baseline failure rate ${round(this.#failureMean)} ± ${round(Math.sqrt(this.#failureVar))}, latency ${round(this.#latencyMean)} ± ${round(Math.sqrt(this.#latencyVar))} ms`
      : `warming up (${this.#learnedMs} of ${warmupMs} ms learned): the thresholds are the ceilings`;
    const window =
      calls < minCalls
        ? `${calls} of ${minCalls} calls needed in the window`
        : `failure rate ${round(failures / calls)} vs threshold ${round(this.#failureThreshold)}, latency ${round(latencyMs)} ms vs ${round(this.#latencyThreshold)} ms`;
    return `${phase}; ${window}.${last}`;
  }

  #warm(): boolean {
    return this.#learnedMs >= this.#options.warmupMs;
  }

  /** Mean latency of the window: busy time over calls ended (0 before any ended). */
  #latency(): number {
    const ended = this.#ring.total(ENDED);
    return ended === 0 ? 0 : this.#ring.total(BUSY) / ended;
  }

  #accrue(now: number): void {
    const elapsed = now - this.#lastEventAt;
    if (elapsed > 0) {
      if (this.#inFlight > 0) this.#ring.add(BUSY, this.#inFlight * elapsed);
      this.#lastEventAt = now;
    }
  }

  #advance(now: number): void {
    const ring = this.#ring;
    this.#accrue(now);
    if (ring.completes(now)) this.#learn();
    ring.advance(now);
  }

  #end(now: number, failure: number): void {
    this.#advance(now);
    if (this.#inFlight > 0) this.#inFlight--;
    const ring = this.#ring;
    ring.add(CALLS, 1);
    ring.add(ENDED, 1);
    if (failure !== 0) ring.add(FAILURES, 1);
  }

  #exceeds(now: number): boolean {
    const ring = this.#ring;
    const calls = ring.total(CALLS);
    if (calls < this.#options.minCalls) return false;
    const rate = ring.total(FAILURES) / calls;
    if (rate >= this.#failureThreshold) {
      this.#lastTrip = {
        reason: 'failureRate',
        current: rate,
        threshold: this.#failureThreshold,
        baseline: this.#failureMean,
        at: now,
      };
      return true;
    }
    if (this.#latencyThreshold === Number.POSITIVE_INFINITY) return false;
    const latency = this.#latency();
    if (latency > this.#latencyThreshold) {
      this.#lastTrip = {
        reason: 'latency',
        current: latency,
        threshold: this.#latencyThreshold,
        baseline: this.#latencyMean,
        at: now,
      };
      return true;
    }
    return false;
  }

  /** Folds the newest bucket, now complete, into the baseline; recomputes the thresholds. */
  #learn(): void {
    const ring = this.#ring;
    const calls = ring.newest(CALLS);
    if (calls === 0) return;
    const alpha = this.#alpha;
    const first = this.#learnedMs === 0;
    const rate = Math.min(ring.newest(FAILURES) / calls, this.#failureThreshold);
    [this.#failureMean, this.#failureVar] = first
      ? [rate, 0]
      : ewma(this.#failureMean, this.#failureVar, rate, alpha);
    const ended = ring.newest(ENDED);
    if (ended > 0) {
      const latency = Math.min(ring.newest(BUSY) / ended, this.#latencyThreshold);
      [this.#latencyMean, this.#latencyVar] =
        this.#latencySamples === 0
          ? [latency, 0]
          : ewma(this.#latencyMean, this.#latencyVar, latency, alpha);
      this.#latencySamples++;
    }
    this.#learnedMs += ring.bucketMs;
    this.#updateThresholds();
  }

  #updateThresholds(): void {
    const o = this.#options;
    if (!this.#warm()) return;
    const k = o.deviations;
    this.#failureThreshold = clamp(
      this.#failureMean + k * Math.sqrt(this.#failureVar),
      o.minFailureRate,
      o.maxFailureRate,
    );
    this.#latencyThreshold = clamp(
      this.#latencyMean + k * Math.sqrt(this.#latencyVar),
      o.minLatencyMs,
      o.maxLatencyMs,
    );
  }

  // hot path: every call of a closed breaker starts here (latency on); it always admits.
  admit(): boolean {
    this.#advance(this.#time.monotonic());
    this.#inFlight++;
    return true;
  }

  onUncounted(): void {
    // Only the busy time: a call that ends after the breaker opened must not roll a bucket
    // holding the outage into the baseline.
    this.#accrue(this.#time.monotonic());
    if (this.#inFlight > 0) this.#inFlight--;
    this.#ring.add(ENDED, 1);
  }
}

/**
 * Learns a dependency's normal failure rate and latency, and opens the breaker when the current
 * window deviates from them: above `baseline + deviations × σ`, bounded by a floor and a
 * ceiling. Fixed thresholds are wrong twice a day (too tight in a volatile hour, too loose at
 * night); this one follows the dependency.
 *
 * The baseline is an exponentially weighted mean and variance (half-life `halfLifeMs`) of
 * per-bucket samples. A sample above the threshold in force is learned as the threshold
 * (winsorised): one outage barely moves the baseline, a lasting change still does, slowly.
 * The window of an opening is never learned (it is cleared when the breaker closes).
 *
 * Latency needs no per-call timing: the strategy counts calls in flight and integrates them over
 * time, and busy time / calls ended is the mean latency (Little's law). So the closed path stays
 * allocation-free; it reads the clock when a call starts and when it ends (two reads of 80–110
 * ns each on the CI machines). With latency off (`minLatencyMs: Infinity`) it does not count
 * calls in flight (no `admit`) and reads the clock at most once per call (`SampledClock`).
 */
export class AdaptiveStrategy implements BreakerStrategy {
  declare readonly usesTime: false;
  declare readonly tracksLatency: false;
  declare readonly admit: (() => boolean) | undefined;
  declare readonly onUncounted: (() => void) | undefined;
  readonly #options: ResolvedAdaptiveOptions;
  readonly #clock: Clock;
  #model: AdaptiveModel | undefined;

  constructor(options: ResolvedAdaptiveOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  /** The strategy for `options`: without `admit` when latency is off. */
  static create(options: ResolvedAdaptiveOptions, clock: Clock): AdaptiveStrategy {
    return options.minLatencyMs === Number.POSITIVE_INFINITY
      ? new AdaptiveFailureStrategy(options, clock)
      : new AdaptiveStrategy(options, clock);
  }

  #live(): AdaptiveModel {
    this.#model ??= new AdaptiveModel(this.#options, this.#clock);
    return this.#model;
  }

  // hot path: every success of a closed breaker.
  onSuccess(): boolean {
    return this.#live().onSuccess();
  }

  onFailure(): boolean {
    return this.#live().onFailure();
  }

  /** Forgets the current window (the baseline stays: it is what the strategy has learned). */
  reset(): void {
    this.#model?.reset();
  }

  describe() {
    return { type: 'adaptive', ...this.#options } as const;
  }

  stats(): AdaptiveWindowStats {
    return this.#live().stats();
  }

  static {
    Object.defineProperties(AdaptiveStrategy.prototype, {
      usesTime: { value: false },
      tracksLatency: { value: false },
      // hot path: every call of a closed breaker starts here (latency on).
      admit: {
        value(this: AdaptiveStrategy): boolean {
          return this.#live().admit();
        },
      },
      onUncounted: {
        value(this: AdaptiveStrategy): void {
          this.#model?.onUncounted();
        },
      },
    });
  }
}

/**
 * With latency off there are no calls in flight to count: no `admit`, so the breaker keeps its
 * plain closed path.
 */
class AdaptiveFailureStrategy extends AdaptiveStrategy {
  static {
    Object.defineProperties(AdaptiveFailureStrategy.prototype, {
      admit: { value: undefined },
      onUncounted: { value: undefined },
    });
  }
}

/** One step of an exponentially weighted mean and variance (West / Finch, 2009). */
function ewma(mean: number, variance: number, sample: number, alpha: number): [number, number] {
  const diff = sample - mean;
  const increment = alpha * diff;
  return [mean + increment, (1 - alpha) * (variance + diff * increment)];
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
