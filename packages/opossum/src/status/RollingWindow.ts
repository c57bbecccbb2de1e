import type { Clock } from '@breakwater/core';
import { backgroundTimer } from '../timers.ts';
import type { Bucket, RotateBucketController, Stats } from '../types.ts';
import { type Counter, counterCount, counterNames } from './counters.ts';
import { latencyStats } from './latencyStats.ts';

/** How a window is laid out; validated by the caller. */
export interface RollingWindowOptions {
  readonly bucketCount: number;
  /** Length of one bucket: opossum's `floor(rollingCountTimeout / rollingCountBuckets)`. */
  readonly bucketMs: number;
  /** Keep latencies for percentiles (`rollingPercentilesEnabled`). */
  readonly percentiles: boolean;
  /** When set, buckets rotate on its `'rotate'` events instead of by time. */
  readonly controller: RotateBucketController | undefined;
  readonly clock: Clock;
  /** Counters and latencies the newest bucket starts with. */
  readonly primed: Partial<Stats> | undefined;
}

/**
 * opossum's rolling statistics window: `bucketCount` buckets of counters (and latencies), the
 * newest collecting, the oldest dropped at each rotation, every `bucketMs` from the window's
 * creation.
 *
 * opossum rotates with a `setInterval` per breaker from construction to `shutdown()`, so every
 * breaker ever created runs a timer and stays reachable. Here the rotation timer runs only while
 * the window holds something: the first count arms it for the next bucket boundary, and a
 * rotation that leaves the window empty stops it. An idle breaker runs no timer and holds no
 * array; a busy one costs what opossum's does, one wakeup per bucket. Counting reads no clock
 * (opossum's buckets are timer-driven too, so counts land where they would in opossum), and
 * running totals make the trip check O(1) per failure, where opossum sums every bucket.
 */
export class RollingWindow {
  readonly #bucketCount: number;
  readonly #bucketMs: number;
  readonly #percentiles: boolean;
  readonly #controller: RotateBucketController | undefined;
  readonly #clock: Clock;
  /** Monotonic ms the window started at: buckets rotate at origin + k × bucketMs. */
  readonly #origin: number;
  /** Rotations done so far (timed windows): the bucket index of `#head` since origin. */
  #rotations = 0;
  /** Ring slot of the newest bucket. */
  #head = 0;
  /** Per bucket, `counterCount` slots. Allocated on the first write. */
  #counts: Float64Array | undefined;
  /** The sum of every bucket, per counter. */
  #totals: Float64Array | undefined;
  /** Per bucket, its latencies; allocated on the first latency. */
  #latencies: (number[] | undefined)[] | undefined;
  /** Per bucket: 0 nothing happened, 1 the breaker opened, 2 it closed (opossum's flag). */
  #openFlags: Int8Array | undefined;
  /** The rotation timer of a timed window, while it holds something. */
  #timer: unknown;
  /** Bound once, and only with a controller. */
  readonly #onRotate: (() => void) | undefined;
  #listening = false;
  #stopped = false;

  constructor(options: RollingWindowOptions) {
    this.#bucketCount = options.bucketCount;
    this.#bucketMs = options.bucketMs;
    this.#percentiles = options.percentiles;
    this.#controller = options.controller;
    this.#clock = options.clock;
    this.#origin = options.clock.monotonic();
    if (options.controller !== undefined) {
      this.#onRotate = () => this.#rotate(1);
      this.listen();
    }
    if (options.primed !== undefined) this.#prime(options.primed);
  }

  /** Keeps latencies (`rollingPercentilesEnabled`). */
  get percentiles(): boolean {
    return this.#percentiles;
  }

  get bucketMs(): number {
    return this.#bucketMs;
  }

  /** Monotonic ms the window started at. */
  get origin(): number {
    return this.#origin;
  }

  /** Counts one event in the newest bucket. */
  // hot path: once per call at least; no clock read, no allocation once the arrays exist.
  add(slot: Counter): void {
    this.#counts ??= this.#allocate();
    if (this.#timer === undefined) this.#arm();
    this.#counts[this.#head * counterCount + slot]!++;
    this.#totals![slot]!++;
  }

  /** Keeps a success's, failure's or timeout's latency for the percentiles. */
  addLatency(latencyMs: number): void {
    if (!this.#percentiles) return;
    this.#latencies ??= new Array<number[] | undefined>(this.#bucketCount).fill(undefined);
    const bucket = this.#latencies[this.#head];
    if (bucket === undefined) this.#latencies[this.#head] = [latencyMs];
    else bucket.push(latencyMs);
  }

  /** The window's total of one counter. */
  total(slot: Counter): number {
    return this.#totals?.[slot] ?? 0;
  }

  /** Notes that the breaker opened (or closed) in the newest bucket, as opossum's window does. */
  markOpen(open: boolean): void {
    this.#openFlags ??= new Int8Array(this.#bucketCount);
    if (this.#timer === undefined) this.#arm();
    this.#openFlags[this.#head] = open ? 1 : 2;
  }

  /**
   * Rotates the buckets whose boundary has passed, before a read: a read at a boundary sees the
   * new bucket, as in opossum, whose rotation timer runs before anything else due then (its
   * snapshots included). Counting never calls this: it would read the clock on every call.
   */
  catchUp(): void {
    if (this.#controller !== undefined || typeof this.#timer === 'symbol') return;
    const due = Math.floor((this.#clock.monotonic() - this.#origin) / this.#bucketMs);
    if (due <= this.#rotations) return;
    this.#rotate(Math.min(due - this.#rotations, this.#bucketCount));
    this.#rotations = due;
  }

  /** The counters summed over the window, with latency figures. */
  stats(): Stats {
    const latencies: number[] = [];
    if (this.#percentiles && this.#latencies !== undefined) {
      // A loop, not push(...bucket): a busy bucket holds more values than a call takes arguments.
      for (const bucket of this.#latencies) for (const value of bucket ?? []) latencies.push(value);
    }
    return { ...this.#counters(this.#totals, 0), ...latencyStats(latencies, this.#percentiles) };
  }

  /** The buckets, newest first, as fresh objects. */
  buckets(): Bucket[] {
    const buckets: Bucket[] = [];
    for (let age = 0; age < this.#bucketCount; age++) {
      const slot = (this.#head - age + this.#bucketCount) % this.#bucketCount;
      const bucket: Bucket = {
        ...this.#counters(this.#counts, slot * counterCount),
        percentiles: {},
        latencyTimes: [...(this.#latencies?.[slot] ?? [])],
      };
      const flag = this.#openFlags?.[slot] ?? 0;
      if (flag !== 0) bucket.isCircuitBreakerOpen = flag === 1;
      buckets.push(bucket);
    }
    return buckets;
  }

  /** (Re)starts listening to the controller's `'rotate'` events: `enable()`. */
  listen(): void {
    if (this.#controller === undefined || this.#listening || this.#stopped) return;
    this.#controller.on('rotate', this.#onRotate!);
    this.#listening = true;
  }

  /** Stops listening to the controller: `disable()`. */
  stopListening(): void {
    if (this.#controller === undefined || !this.#listening) return;
    this.#controller.removeListener('rotate', this.#onRotate!);
    this.#listening = false;
  }

  /** Stops rotating for good (`shutdown()`); the stats stay readable. */
  stop(): void {
    this.#stopped = true;
    this.stopListening();
    if (this.#timer !== undefined && typeof this.#timer !== 'symbol') {
      this.#clock.clearTimeout(this.#timer);
    }
    this.#timer = stopped;
  }

  #counters(source: Float64Array | undefined, offset: number) {
    const counters = {} as Record<(typeof counterNames)[number], number>;
    for (let i = 0; i < counterCount; i++) counters[counterNames[i]!] = source?.[offset + i] ?? 0;
    return counters;
  }

  #allocate(): Float64Array {
    this.#totals = new Float64Array(counterCount);
    return new Float64Array(this.#bucketCount * counterCount);
  }

  /** Arms the rotation timer for the next bucket boundary (a controlled window has none). */
  #arm(): void {
    if (this.#controller !== undefined) {
      this.#timer = controlled;
      return;
    }
    const now = this.#clock.monotonic();
    // A window idle since its last rotation has rotations to catch up on; it holds nothing, so
    // only the index moves.
    const due = Math.floor((now - this.#origin) / this.#bucketMs);
    if (due > this.#rotations) {
      this.#head = (this.#head + (due - this.#rotations)) % this.#bucketCount;
      this.#rotations = due;
    }
    const next = this.#origin + (this.#rotations + 1) * this.#bucketMs;
    this.#timer = backgroundTimer(this.#clock, () => this.#tick(), next - now);
  }

  /** A bucket boundary: rotate (more than once if the timer was late), stop when empty. */
  #tick(): void {
    this.#timer = undefined;
    this.catchUp();
    if (!this.#empty()) this.#arm();
  }

  /** Drops the `steps` oldest buckets and makes fresh ones the newest. */
  #rotate(steps: number): void {
    const counts = this.#counts;
    for (let i = 0; i < steps; i++) {
      const slot = (this.#head + 1) % this.#bucketCount;
      this.#head = slot;
      if (counts !== undefined) {
        const base = slot * counterCount;
        for (let c = 0; c < counterCount; c++) {
          this.#totals![c]! -= counts[base + c]!;
          counts[base + c] = 0;
        }
      }
      if (this.#latencies !== undefined) this.#latencies[slot] = undefined;
      if (this.#openFlags !== undefined) this.#openFlags[slot] = 0;
    }
  }

  #empty(): boolean {
    if (this.#totals?.some((total) => total !== 0)) return false;
    if (this.#openFlags?.some((flag) => flag !== 0)) return false;
    return !this.#latencies?.some((bucket) => bucket !== undefined);
  }

  #prime(stats: Partial<Stats>): void {
    this.#counts = this.#allocate();
    for (let i = 0; i < counterCount; i++) {
      const value = stats[counterNames[i]!];
      if (typeof value === 'number' && Number.isFinite(value)) {
        this.#counts[i] = value;
        this.#totals![i] = value;
      }
    }
    const latencies = stats.latencyTimes;
    if (this.#percentiles && Array.isArray(latencies)) {
      this.#latencies = new Array<number[] | undefined>(this.#bucketCount).fill(undefined);
      this.#latencies[0] = latencies.filter((value) => typeof value === 'number');
    }
    this.#arm();
  }
}

/** `#timer` of a window rotated by a controller: never a real timer, never re-armed. */
const controlled = Symbol('controlled');
/** `#timer` of a stopped window: counting never arms it again. */
const stopped = Symbol('stopped');
