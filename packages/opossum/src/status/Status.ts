import { EventEmitter } from 'node:events';
import type { Clock } from '@breakwater/core';
import { resolveStatusOptions } from '../resolveOptions.ts';
import { backgroundTimer, rethrowInMicrotask } from '../timers.ts';
import type { Stats, StatusLike, StatusOptions, Window } from '../types.ts';
import { RollingWindow } from './RollingWindow.ts';

/** What a breaker hands over when it wraps its own window in a `Status`. */
interface Adoption {
  readonly window: RollingWindow;
  readonly clock: Clock;
  readonly snapshots: boolean;
  readonly report: (error: unknown, event: string) => void;
}

/** Set by {@link statusOf} for the duration of one constructor call. */
let adopting: Adoption | undefined;

/** The window behind a `Status`, for a breaker given one in `options.status`. */
export let windowOf: (status: Status) => RollingWindow;

/**
 * A breaker's rolling statistics, as opossum's `breaker.status`: `stats` (the window summed, with
 * latency percentiles), `window` (the buckets, newest first) and a `'snapshot'` event every bucket
 * interval. Create one with `CircuitBreaker.newStatus()` to share or pre-load stats.
 *
 * Snapshots are timed only while someone listens: opossum runs the interval from construction
 * until `shutdown()`, for every breaker.
 */
export class Status extends EventEmitter implements StatusLike {
  readonly #window: RollingWindow;
  readonly #clock: Clock;
  readonly #snapshots: boolean;
  readonly #report: (error: unknown, event: string) => void;
  #timer: unknown;
  #shutdown = false;

  static {
    windowOf = (status) => status.#window;
  }

  /** @throws BreakwaterConfigError when an option is invalid */
  constructor(options?: StatusOptions) {
    super();
    const adopted = adopting;
    adopting = undefined;
    if (adopted !== undefined) {
      this.#window = adopted.window;
      this.#clock = adopted.clock;
      this.#snapshots = adopted.snapshots;
      this.#report = adopted.report;
      return;
    }
    const resolved = resolveStatusOptions(options);
    this.#clock = resolved.clock;
    this.#snapshots = resolved.enableSnapshots;
    this.#report = rethrowInMicrotask;
    this.#window = new RollingWindow({
      bucketCount: resolved.rollingCountBuckets,
      bucketMs: resolved.bucketMs,
      percentiles: resolved.rollingPercentilesEnabled,
      controller: resolved.rotateBucketController,
      clock: resolved.clock,
      primed: options?.stats,
    });
  }

  /** The counters summed over the window, with latency mean and percentiles. */
  get stats(): Stats {
    this.#window.catchUp();
    return this.#window.stats();
  }

  /** The window's buckets, newest first (copies: changing them changes nothing). */
  get window(): Window {
    this.#window.catchUp();
    return this.#window.buckets();
  }

  /** As `EventEmitter.on`; a `snapshot` listener starts the periodic snapshots. */
  override on(event: 'snapshot', listener: (snapshot: Stats) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    super.on(event, listener);
    this.#watch(event);
    return this;
  }

  /** As `EventEmitter.addListener`; a `snapshot` listener starts the periodic snapshots. */
  override addListener(event: 'snapshot', listener: (snapshot: Stats) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    super.addListener(event, listener);
    this.#watch(event);
    return this;
  }

  /** As `EventEmitter.prependListener`; a `snapshot` listener starts the periodic snapshots. */
  override prependListener(event: 'snapshot', listener: (snapshot: Stats) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this {
    super.prependListener(event, listener);
    this.#watch(event);
    return this;
  }

  /** Stops snapshots and removes every listener; the stats stay readable. */
  shutdown(): void {
    this.#shutdown = true;
    this.#window.stop();
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.removeAllListeners();
  }

  /** Starts the snapshot timer on the first `'snapshot'` listener (`once` goes through `on`). */
  #watch(event: string | symbol): void {
    if (event !== 'snapshot' || !this.#snapshots || this.#shutdown) return;
    if (this.#timer === undefined) this.#schedule();
  }

  /** Snapshots fall on opossum's bucket boundaries: origin + k × bucket interval. */
  #schedule(): void {
    const bucketMs = this.#window.bucketMs;
    const elapsed = this.#clock.monotonic() - this.#window.origin;
    const delay = bucketMs - (((elapsed % bucketMs) + bucketMs) % bucketMs);
    this.#timer = backgroundTimer(this.#clock, () => this.#tick(), delay);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#shutdown || this.listenerCount('snapshot') === 0) return;
    try {
      this.emit('snapshot', this.stats);
    } catch (error) {
      this.#report(error, 'snapshot');
    }
    if (!this.#shutdown && this.#timer === undefined) this.#schedule();
  }
}

/** Wraps a breaker's own window in a `Status`, created the first time `breaker.status` is read. */
export function statusOf(
  window: RollingWindow,
  clock: Clock,
  snapshots: boolean,
  report: (error: unknown, event: string) => void,
): Status {
  adopting = { window, clock, snapshots, report };
  try {
    return new Status();
  } finally {
    adopting = undefined;
  }
}
