import { EventEmitter } from 'node:events';
import { BreakwaterConfigError, type CircuitBreaker as CoreBreaker } from '@breakwater/core';
import { maxTimerMs } from '@breakwater/core/adapter';
import { assemble } from './assemble.ts';
import { type BreakerParts, emit, type FallbackFunction, warmingUp } from './call/BreakerParts.ts';
import { runCall } from './call/runCall.ts';
import { isOurError } from './errors.ts';
import type { BreakerEvent } from './events.ts';
import { HealthChecks } from './HealthChecks.ts';
import { type ResolvedOptions, resolveOptions } from './resolveOptions.ts';
import type { StateView } from './StateView.ts';
import { Status, type Status as StatusClass, statusOf } from './status/Status.ts';
import type {
  Bucket as BucketType,
  CacheTransport as CacheTransportType,
  Options as OptionsType,
  State,
  State as StateType,
  Stats,
  Stats as StatsType,
  StatusOptions as StatusOptionsType,
  Window as WindowType,
} from './types.ts';

/**
 * opossum's `CircuitBreaker` on the Breakwater engine: the same constructor, options, defaults,
 * methods, properties, events and errors, so switching is one import. The core decides when the
 * breaker is open and which call is a half-open trial (and adds Retry-After, classification and
 * shared state through `options.breakwater`); this class keeps opossum's rolling window, events,
 * cache, coalescing, semaphore, timeouts and fallbacks.
 *
 * @typeParam TI - the action's arguments
 * @typeParam TR - what the action resolves to
 * @example
 * ```ts
 * import CircuitBreaker from '@breakwater/opossum';
 *
 * const breaker = new CircuitBreaker(getTicker, { timeout: 3000, resetTimeout: 30_000 });
 * breaker.fallback(() => cachedTicker);
 * breaker.on('open', () => console.warn('ticker API is failing'));
 * const ticker = await breaker.fire('XBTUSD');
 * ```
 */
export class CircuitBreaker<TI extends unknown[] = unknown[], TR = unknown> extends EventEmitter {
  readonly #parts: BreakerParts<TI, TR>;
  readonly #view: StateView;
  readonly #name: string;
  readonly #group: string;
  #status: Status | undefined;
  /** False when the window is a Status shared through `options.status`. */
  readonly #ownsWindow: boolean;
  /** Following the core's transitions (see `#connect`). */
  #connected = false;
  #healthChecks: HealthChecks | undefined;

  /**
   * True when `error` was created by a breaker (open, timeout, semaphore, shutdown) rather than
   * thrown by the action.
   */
  static isOurError(error: unknown): boolean {
    return isOurError(error);
  }

  /**
   * Creates a `Status` to pass as `options.status`: to start a breaker with stats, or to share
   * one window among breakers.
   * @throws BreakwaterConfigError when an option is invalid
   */
  static newStatus(options?: StatusOptionsType): Status {
    return new Status(options);
  }

  /**
   * @param action - the function to protect; its result (a promise or a plain value) is the
   * call's. Any other value is returned by every call, as in opossum.
   * @throws TypeError when there is no action, or `cacheTransport` / `abortController` lacks a
   * method (opossum's errors)
   * @throws BreakwaterConfigError when another option is invalid (the message names it)
   */
  constructor(action: ((...args: TI) => TR | PromiseLike<TR>) | TR, options?: OptionsType<TI>) {
    super();
    if (!action) {
      throw new TypeError(
        'No action provided. Cannot construct a CircuitBreaker without an invocable action.',
      );
    }
    const assembled = assemble<TI, TR>(this, action, resolveOptions(options));
    this.#parts = assembled.parts;
    this.#view = assembled.view;
    this.#name = assembled.parts.core.name;
    this.#group = assembled.parts.options.group ?? this.#name;
    this.#status = assembled.sharedStatus;
    this.#ownsWindow = assembled.sharedStatus === undefined;
    // A breaker that may already be open, or that a store may change, follows the core now; any
    // other starts closed and nothing but its own calls can change that.
    if (assembled.followNow) this.#connect();
    if (assembled.parts.options.state?.shutdown === true) this.shutdown();
  }

  /** The breaker's name: `options.name`, else the action's name, else a random UUID. */
  get name(): string {
    return this.#name;
  }

  /** The reporting group: `options.group`, else the name. */
  get group(): string {
    return this.#group;
  }

  /** False after `disable()` (or `enabled: false`): calls then go straight to the action. */
  get enabled(): boolean {
    return this.#parts.enabled;
  }

  /** Half-open, and the next call will be the trial call. */
  get pendingClose(): boolean {
    return !this.#parts.shutdown && this.#view.pendingClose;
  }

  /** Calls run and are counted. */
  get closed(): boolean {
    return !this.#parts.shutdown && this.#view.closed;
  }

  /** Calls are rejected with `EOPENBREAKER` (or go to the fallback). */
  get opened(): boolean {
    return !this.#parts.shutdown && this.#view.opened;
  }

  /** The open period is over; a trial call decides whether the breaker closes. */
  get halfOpen(): boolean {
    return !this.#parts.shutdown && this.#view.halfOpen;
  }

  /** True after `shutdown()`: every call is rejected with `ESHUTDOWN`. */
  get isShutdown(): boolean {
    return this.#parts.shutdown;
  }

  /** The rolling statistics: `stats`, `window` and the `'snapshot'` event. */
  get status(): Status {
    const parts = this.#parts;
    this.#observed();
    this.#status ??= statusOf(
      parts.window,
      parts.clock,
      parts.options.enableSnapshots,
      parts.report,
    );
    return this.#status;
  }

  /**
   * The rolling window's counters and latency figures (`status.stats`). Latencies are measured
   * from the first time stats are read or a listener of an event that carries one is added.
   */
  get stats(): Stats {
    this.#observed();
    this.#parts.window.catchUp();
    return this.#parts.window.stats();
  }

  /** True during the warm-up (`allowWarmUp`): failures cannot open the breaker yet. */
  get warmUp(): boolean {
    return warmingUp(this.#parts);
  }

  /** Fires the window must hold before failures can open the breaker. */
  get volumeThreshold(): number {
    return this.#parts.options.volumeThreshold;
  }

  /** The validated options with their defaults (read-only: options are read once). */
  get options(): ResolvedOptions<TI> {
    return this.#parts.options;
  }

  /**
   * The Breakwater breaker underneath: its `snapshot()`, `on('stateChange')`, `ready` (a store's
   * state loaded) and the rest of the core's API.
   */
  get breakwater(): CoreBreaker {
    this.#connect();
    return this.#parts.core;
  }

  /** The open period is over (after `resetTimeout`): the next call is a trial. */
  override on(event: 'halfOpen', listener: (resetTimeout: number) => void): this;
  /** The breaker closed: calls run again. */
  override on(event: 'close', listener: () => void): this;
  /** The breaker opened: calls are rejected (or go to the fallback). */
  override on(event: 'open', listener: () => void): this;
  /** `shutdown()` was called. */
  override on(event: 'shutdown', listener: () => void): this;
  /** A call was made (`fire()` / `call()`), whatever becomes of it. */
  override on(event: 'fire', listener: (args: TI) => void): this;
  /** A call was answered from the cache. */
  override on(event: 'cacheHit', listener: () => void): this;
  /** The cache had no result for a call. */
  override on(event: 'cacheMiss', listener: () => void): this;
  /** A call joined an identical call in flight (`coalesce`). */
  override on(event: 'coalesceCacheHit', listener: () => void): this;
  /** No identical call was in flight to join. */
  override on(event: 'coalesceCacheMiss', listener: () => void): this;
  /** A call was rejected because the breaker is open (`EOPENBREAKER`). */
  override on(event: 'reject', listener: (err: Error) => void): this;
  /** A call took longer than `timeout` (`ETIMEDOUT`); a `failure` follows. */
  override on(event: 'timeout', listener: (err: Error, latencyMs: number, args: TI) => void): this;
  /**
   * A call succeeded. `result` is what it resolved to, or the error when `errorFilter` (or a
   * `breakwater.classify` rule) let it count as a success.
   */
  override on(event: 'success', listener: (result: TR, latencyMs: number) => void): this;
  /** `capacity` calls were running: the call was rejected (`ESEMLOCKED`); a `failure` follows. */
  override on(event: 'semaphoreLocked', listener: (err: Error, latencyMs: number) => void): this;
  /** A health check rejected or threw; the breaker opens next. */
  override on(event: 'healthCheckFailed', listener: (err: Error) => void): this;
  /** The fallback ran; `result` is what it returned (maybe a promise). */
  override on(event: 'fallback', listener: (result: unknown, err: Error) => void): this;
  /** A call failed (rejected, threw, timed out or hit a full semaphore). */
  override on(event: 'failure', listener: (err: Error, latencyMs: number, args: TI) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override on(event: BreakerEvent, listener: (...args: any[]) => void): this {
    super.on(event, listener);
    this.#watch(event);
    return this;
  }

  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    super.addListener(event, listener);
    this.#watch(event);
    return this;
  }

  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this {
    super.prependListener(event, listener);
    this.#watch(event);
    return this;
  }

  /**
   * Runs the action with these arguments through the breaker.
   * @returns the action's result, or the fallback's when the call fails or is rejected
   */
  fire(...args: TI): Promise<TR> {
    if (!this.#connected) this.#connect();
    return runCall(this.#parts, this.#parts.action, args);
  }

  /** Like `fire()`, with `context` as the action's `this`. */
  call(context: unknown, ...args: TI): Promise<TR> {
    if (!this.#connected) this.#connect();
    return runCall(this.#parts, context, args);
  }

  /**
   * Sets the function called with `(...args, error)` when a call fails or is rejected; its
   * result becomes the call's. Another breaker is fired with the same arguments.
   * @throws BreakwaterConfigError when `func` is neither a function nor a breaker
   */
  // biome-ignore lint/suspicious/noExplicitAny: `@types/opossum`'s signature: any function, any breaker.
  fallback(func: ((...args: any[]) => unknown) | CircuitBreaker<any, any>): this {
    if (typeof func !== 'function' && !(func instanceof CircuitBreaker)) {
      // opossum takes anything, and fails each call later with "fb.apply is not a function".
      throw new BreakwaterConfigError('fallback', 'a function or a CircuitBreaker', func);
    }
    const fn: FallbackFunction =
      func instanceof CircuitBreaker ? (...args) => func.fire(...args) : func;
    this.#parts.fallback = fn;
    return this;
  }

  /** Opens the breaker for `resetTimeout`, then lets a trial call through. No-op when open. */
  open(): void {
    this.#connect();
    if (this.#parts.shutdown || this.#view.opened) return;
    this.#parts.core.trip();
  }

  /** Closes the breaker. No-op when closed. */
  close(): void {
    this.#connect();
    if (this.#parts.shutdown || this.#parts.core.state === 'closed') return;
    this.#parts.core.reset();
  }

  /** Calls go straight to the action: no protection, cache, fallback or stats but fires. */
  disable(): void {
    this.#parts.enabled = false;
    this.#parts.window.stopListening();
  }

  /** Protects calls again after `disable()`. */
  enable(): void {
    this.#parts.enabled = true;
    this.#parts.window.listen();
  }

  /**
   * Rejects every later call with `ESHUTDOWN`, removes every listener, stops every timer (the
   * half-open notice, health checks, snapshots) and clears the caches. Emits `'shutdown'` first.
   */
  shutdown(): void {
    const parts = this.#parts;
    if (parts.shutdown) return;
    emit(parts, 'shutdown');
    this.disable();
    this.removeAllListeners();
    this.#view.stop();
    this.#healthChecks?.stop();
    // A Status shared with other breakers keeps counting for them (opossum stops it for all).
    if (this.#ownsWindow) {
      this.#status?.shutdown();
      parts.window.stop();
    }
    parts.shutdown = true;
    this.clearCache();
    parts.core.dispose();
  }

  /**
   * Runs `func` (with the breaker as `this`) now and every `interval` ms; when it rejects or
   * throws, emits `'healthCheckFailed'` and opens the breaker.
   * @param interval - milliseconds between checks
   * @defaultValue interval `5000`
   * @throws TypeError when `func` is not a function or `interval` not a number (opossum's errors)
   */
  healthCheck(func: (this: this) => unknown, interval?: number): void {
    // opossum's checks, in its order: `interval || 5000`, then isNaN (so '100' is 100 ms).
    const ms = Number(interval || 5000);
    if (typeof func !== 'function') throw new TypeError('Health check function must be a function');
    if (Number.isNaN(ms)) throw new TypeError('Health check interval must be a number');
    if (ms < 1 || ms > maxTimerMs) {
      throw new BreakwaterConfigError('interval', `milliseconds from 1 to ${maxTimerMs}`, ms);
    }
    if (this.#parts.shutdown) return;
    this.#healthChecks ??= new HealthChecks(this.#parts.clock, (error) => {
      emit(this.#parts, 'healthCheckFailed', error);
      this.open();
    });
    this.#healthChecks.start(() => func.call(this), ms);
  }

  /** Empties the result cache and the coalescing cache. */
  clearCache(): void {
    this.#parts.cache?.flush();
    this.#parts.coalesceCache?.flush();
  }

  /** The signal of `abortController` (aborted when a call times out), if there is one. */
  getSignal(): AbortSignal | undefined {
    return this.#parts.abortController?.signal;
  }

  /** The `abortController` in use (replaced after an abort with `autoRenewAbortController`). */
  getAbortController(): AbortController | undefined {
    return this.#parts.abortController;
  }

  /** The state (for `options.state` in a later process) and the stats. */
  toJSON(): { state: State; status: Stats } {
    this.#observed();
    return {
      state: {
        name: this.name,
        enabled: this.enabled,
        closed: this.closed,
        open: this.opened,
        halfOpen: this.halfOpen,
        warmUp: this.warmUp,
        shutdown: this.isShutdown,
        lastTimerAt: this.#view.lastOpenedAt,
      },
      status: this.stats,
    };
  }

  /**
   * Someone can now see latencies (stats read, a listener added): measure them from here on.
   * Until then no call reads the clock: two reads are most of what a call costs.
   */
  /**
   * Follows the core's transitions from now on. Deferred to the first call, `open()`, `close()`
   * or `breakwater` access: a core breaker keeps its listeners in a Map, about a tenth of an idle
   * breaker's memory, and until then it is closed and only those can change it.
   */
  #connect(): void {
    if (this.#connected) return;
    this.#connected = true;
    const view = this.#view;
    this.#parts.core.on('stateChange', (event) => view.onStateChange(event));
  }

  /** A listener of an event that carries a latency (`once()` goes through `on()`). */
  #watch(event: string | symbol): void {
    if (typeof event === 'string' && latencyEvents.has(event)) this.#observed();
  }

  #observed(): void {
    const parts = this.#parts;
    if (!parts.latency && parts.window.percentiles) parts.latency = true;
  }
}

/** The events whose listeners receive a call's latency. */
const latencyEvents: ReadonlySet<string> = new Set(['success', 'failure', 'timeout']);

/**
 * The types `@types/opossum` declares on `CircuitBreaker`, so `CircuitBreaker.Options` and
 * friends keep working after the import changes.
 */
export declare namespace CircuitBreaker {
  /** The constructor's options; see {@link OptionsType}. */
  type Options<TI extends unknown[] = unknown[]> = OptionsType<TI>;
  /** A breaker's rolling statistics (`breaker.status`). */
  type Status = StatusClass;
  /** `CircuitBreaker.newStatus()`'s options. */
  type StatusOptions = StatusOptionsType;
  /** One bucket of the rolling window. */
  type Bucket = BucketType;
  /** The rolling window, newest bucket first. */
  type Window = WindowType;
  /** The window's totals with latency figures. */
  type Stats = StatsType;
  /** The state in `toJSON()`. */
  type State = StateType;
  /** A cache for `cache: true`. */
  type CacheTransport = CacheTransportType;
  /** The built-in cache's interface. */
  type MemoryCache = CacheTransportType;
}
