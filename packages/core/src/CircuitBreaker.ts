import { nextDelayMs } from './backoff/nextDelayMs.ts';
import type { Clock } from './Clock.ts';
import { outcomeOfError } from './classify/errorTraits.ts';
import { successVerdict } from './classify/verdicts.ts';
import { DeadlineCall, runWithDeadline } from './deadline.ts';
import { BreakerOpenError } from './errors/BreakerOpenError.ts';
import { BreakwaterConfigError } from './errors/BreakwaterConfigError.ts';
import type { BreakerEvents, TransitionReason } from './events/BreakerEvents.ts';
import { perCallEvents } from './events/BreakerEvents.ts';
import { Emitter, reportCallbackError } from './events/Emitter.ts';
import { emitOutcome } from './events/emitOutcome.ts';
import { LatencyHistogram } from './metrics/LatencyHistogram.ts';
import type { CallContext, Category, Outcome, Verdict } from './Outcome.ts';
import { Permit, type PermitHost } from './Permit.ts';
import type { Action, ExecuteOptions, Policy } from './Policy.ts';
import { redactError } from './redact/redactError.ts';
import { rejectDeferred } from './rejectDeferred.ts';
import {
  type BreakerOptions,
  defaultRecovery,
  type ReconfigurableBreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
  resolveReconfiguration,
} from './resolveBreakerOptions.ts';
import { type BreakerSnapshot, createSnapshot, isDown, LifetimeCounters } from './snapshot.ts';
import { type SerializedDurableState, serializeDurableState } from './store/parseDurableState.ts';
import { StoreLink } from './store/StoreLink.ts';
import type { BreakerState, DurableState } from './store/types.ts';
import type { BreakerStrategy } from './strategies/types.ts';
import { expectTimeoutMs } from './validate.ts';

/**
 * Calls admitted plus calls rejected over a breaker's life: any use changes it. Reads two
 * numbers, where `snapshot()` builds a whole object: the registry reads it for many breakers
 * at once when it looks for one to evict. Not part of the public API.
 */
export let usesOf: (breaker: CircuitBreaker) => number;

/**
 * A circuit breaker: stops calling a dependency that keeps failing, and lets a few probes
 * through once it may have recovered.
 *
 * States: `closed` (calls flow; the strategy watches failures), `open` (calls are rejected with
 * {@link BreakerOpenError} until the recovery delay passes), `half_open` (up to
 * `halfOpen.maxProbes` probes decide whether to close or re-open), and the manual modes
 * `forced_open` and `disabled`. Open → half-open is a timestamp comparison on the next call:
 * no timer runs while the breaker is open.
 *
 * Use `execute()` to run a call through it, or `tryAcquire()` and the returned {@link Permit}
 * when a client's hooks split the call in two (the HTTP adapters do).
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ name: 'https://api.kraken.com' });
 * const ticker = await breaker.execute((signal) => fetch(url, { signal }).then(readJson));
 * ```
 */
export class CircuitBreaker implements Policy, Disposable {
  static {
    usesOf = (breaker) => breaker.#counters.calls + breaker.#counters.rejected;
  }

  #options: ResolvedBreakerOptions;
  #clock: Clock;
  #strategy: BreakerStrategy;
  #emitter: Emitter<BreakerEvents>;
  readonly #counters = new LifetimeCounters();
  /** Created on the first permit: most breakers behind `execute()` never need one. */
  #host: PermitHost | undefined;
  readonly #store: StoreLink | undefined;

  #state: BreakerState = 'closed';
  /** Incremented on every transition: outcomes of permits from an older period are not counted. */
  #generation = 0;
  #version = 0;
  /** Epoch ms of the last opening: informational, for other processes. */
  #openedAt = 0;
  /** Monotonic ms until which the breaker stays open (`Infinity`: until reset), 0 when not open. */
  #openUntil = 0;
  #lastRecoveryDelay = 0;
  #recoveryAttempt = 0;
  /** Monotonic ms of the last transition. */
  #stateSince: number;
  /** Monotonic ms of creation. */
  readonly #createdAt: number;
  /** Time spent open, half-open or forced open in finished periods, for `uptimeRate`. */
  #downMs = 0;
  #lastFailure: { readonly category: Category; readonly at: number } | undefined;
  /** Allocated when the first duration is measured. */
  #latency: LatencyHistogram | undefined;
  /** Half-open probes in flight; allocated on the first probe. */
  #probes: Set<Permit> | undefined;
  #probeSuccesses = 0;
  /** Latency is measured when the strategy, the options or a per-call listener need it. */
  #tracking = false;
  /** Closed, no per-call tracking, no admission check: no permit object is needed. */
  #untracked = true;
  /** …and no default timeout: `execute()` without options may take the allocation-free path. */
  #fast = true;
  #disposed = false;

  // hot path: bound once per breaker, on its first call (an idle breaker holds no closure),
  // and attached to every closed-path call's promise.
  #onFastSuccess: (<T>(value: T) => T) | undefined;
  #onFastFailure: ((error: unknown) => never) | undefined;
  #onFastCancel: ((reason: unknown) => never) | undefined;

  #bindFastHandlers(): void {
    this.#onFastSuccess = <T>(value: T): T => {
      if (this.#state === 'closed' && !this.#disposed) {
        this.#counters.successes++;
        const now = this.#strategy.usesTime ? this.#clock.monotonic() : 0;
        if (this.#strategy.onSuccess(now, 0)) this.#open('failures', undefined, 'none');
      } else {
        this.#record(successVerdict, -1, false, this.#generation, undefined);
      }
      return value;
    };
    this.#onFastFailure = (error: unknown): never => {
      const verdict = this.#classify({ kind: 'error', error }, undefined);
      this.#record(verdict, -1, false, this.#generation, undefined);
      throw error;
    };
    this.#onFastCancel = (reason: unknown): never => {
      if (!this.#disposed) this.#counters.released++;
      throw reason;
    };
  }

  /**
   * @throws BreakwaterConfigError when an option is invalid (the message names it)
   */
  constructor(options: BreakerOptions = {}) {
    this.#options = resolveBreakerOptions(options);
    this.#clock = this.#options.clock;
    this.#strategy = this.#options.createStrategy();
    this.#emitter = new Emitter(this.#options.onListenerError);
    this.#stateSince = this.#clock.monotonic();
    this.#createdAt = this.#stateSince;
    this.#updateModes();
    if (this.#options.initialState !== undefined) {
      this.#apply(this.#options.initialState, 'restored');
    }
    if (this.#options.store !== undefined) {
      this.#store = new StoreLink(this.#options.store, this.#options.name, {
        apply: (state, reason) => this.#apply(state, reason),
        report: (operation, error) =>
          this.#emitter.emit('storeError', {
            breaker: this.name,
            operation,
            // A store's error can carry a connection string or a path with credentials.
            error: redactError(error),
          }),
      });
    }
  }

  /** The breaker's name: its key in errors, events, registries and metrics. */
  get name(): string {
    return this.#options.name;
  }

  /** The current state. An open breaker whose recovery is due still reads `open` until a call. */
  get state(): BreakerState {
    return this.#state;
  }

  /**
   * Settles once the state saved in the `store` has been loaded and applied (or the failure to
   * load it reported as `storeError`); at once without a store. Never rejects. Await it at
   * start-up so the first calls see a breaker a previous process left open.
   */
  get ready(): Promise<void> {
    return this.#store?.loaded ?? Promise.resolve();
  }

  /** The validated options in force. */
  get options(): ResolvedBreakerOptions {
    return this.#options;
  }

  /**
   * Runs `fn` through the breaker. Rejects with {@link BreakerOpenError} without calling `fn`
   * when the breaker does not admit the call; otherwise settles with `fn`'s result, after
   * recording its outcome.
   *
   * `fn` receives an `AbortSignal` when there is a deadline (`timeoutMs`) or a caller's signal,
   * and `undefined` otherwise. A deadline rejects with `TimeoutError` (a `timeout` failure); a
   * caller's abort rejects with the signal's reason and counts as nothing.
   *
   * @throws BreakerOpenError when the breaker is open, forced open, or out of half-open probes
   */
  // hot path: closed breaker, no options, no timeout, nobody listening to per-call events.
  execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T> {
    if (options === undefined && this.#fast) {
      this.#counters.calls++;
      if (this.#onFastSuccess === undefined) this.#bindFastHandlers();
      let result: PromiseLike<T>;
      try {
        result = fn(undefined);
      } catch (error) {
        return Promise.reject(error).catch(this.#onFastFailure!);
      }
      const promise = result instanceof Promise ? result : Promise.resolve(result);
      return promise.then(this.#onFastSuccess, this.#onFastFailure) as Promise<T>;
    }
    if (this.#untracked && options?.context === undefined) {
      return this.#executeWithDeadline(fn, options);
    }
    return this.#executeWithPermit(fn, options);
  }

  /**
   * Returns a function with `fn`'s signature whose calls run through this breaker.
   * @example `const getTicker = breaker.wrap(api.getTicker.bind(api));`
   */
  wrap<A extends unknown[], R>(fn: (...args: A) => PromiseLike<R>): (...args: A) => Promise<R> {
    return (...args: A) => this.execute(() => fn(...args));
  }

  /**
   * Asks for a permit to make one call. Never throws: returns a {@link BreakerOpenError} when
   * the call may not go out. This is the adapters' entry point.
   */
  tryAcquire(context?: CallContext): Permit | BreakerOpenError {
    const state = this.#state;
    if (state === 'closed' || state === 'disabled') {
      if (state === 'closed' && this.#strategy.admit !== undefined) {
        if (!this.#strategy.admit(this.#clock.monotonic())) return this.#reject('open', 0, context);
      }
      return this.#issue(context, false);
    }
    if (state === 'forced_open') return this.#reject('forced_open', undefined, context);
    const now = this.#clock.monotonic();
    if (state === 'open') {
      if (now < this.#openUntil) return this.#reject('open', this.#openUntil - now, context);
      if (this.#store !== undefined && !this.#store.mayProbe(this.#options.probeTimeoutMs)) {
        return this.#reject('open', 0, context);
      }
      this.#transition('half_open', 'recoveryDue', undefined);
    }
    this.#probes ??= new Set();
    if (this.#probes.size >= this.#options.maxProbes) {
      this.#expireProbes(now);
      if (this.#state !== 'half_open') return this.tryAcquire(context);
      if (this.#probes.size >= this.#options.maxProbes) {
        return this.#reject('half_open', undefined, context);
      }
    }
    const permit = this.#issue(context, true);
    this.#probes.add(permit);
    return permit;
  }

  /**
   * Like {@link CircuitBreaker.tryAcquire}, but throws when the call may not go out.
   * The permit is `Disposable`: `using permit = breaker.acquire()` releases it if unsettled.
   * @throws BreakerOpenError when the breaker does not admit the call
   */
  acquire(context?: CallContext): Permit {
    const permit = this.tryAcquire(context);
    if (permit instanceof BreakerOpenError) throw permit;
    return permit;
  }

  /** Classifies an outcome with this breaker's rules, without recording anything. */
  classify(outcome: Outcome, context?: CallContext): Verdict {
    return this.#classify(outcome, context);
  }

  /**
   * Subscribes to an event; returns an idempotent unsubscribe function. Listening to a per-call
   * event (`call`, `success`, `failure`, `ignored`, `timeout`) turns on latency measurement.
   */
  on<K extends keyof BreakerEvents>(
    event: K,
    listener: (payload: BreakerEvents[K]) => void,
  ): () => void {
    const unsubscribe = this.#emitter.on(event, listener);
    this.#updateModes();
    return () => {
      unsubscribe();
      this.#updateModes();
    };
  }

  /** Closes the breaker and forgets its failures and recovery attempts. */
  reset(): void {
    this.#recoveryAttempt = 0;
    this.#lastRecoveryDelay = 0;
    this.#strategy.reset();
    this.#transition('closed', 'manual', undefined);
  }

  /**
   * Opens the breaker now, as a tripped threshold would: calls are rejected until the recovery
   * delay passes, then probes decide. Unlike `forceOpen()`, it recovers on its own (a failed
   * health check, an operator's "back off now"). An open or half-open breaker starts a new open
   * period; a forced-open or disabled one is left as it is.
   */
  trip(): void {
    if (this.#state === 'forced_open' || this.#state === 'disabled') return;
    this.#open('manual', undefined, undefined);
  }

  /** Isolates the dependency: every call is rejected until `reset()` or `enable()`. */
  forceOpen(): void {
    this.#transition('forced_open', 'manual', undefined);
  }

  /** Lets every call through while still recording outcomes; never opens. */
  disable(): void {
    this.#transition('disabled', 'manual', undefined);
  }

  /** Leaves `forced_open` or `disabled` for a fresh `closed` state. */
  enable(): void {
    if (this.#state === 'forced_open' || this.#state === 'disabled') this.reset();
  }

  /**
   * Re-validates and swaps the options (e.g. a new threshold from an operator). The state is
   * kept; the strategy's window starts empty when `strategy` changes. `name`, `store` and
   * `initialState` are fixed at construction.
   * @throws BreakwaterConfigError when an option is invalid, unknown or fixed; nothing changes then
   */
  reconfigure(partial: ReconfigurableBreakerOptions): void {
    const current = this.#options;
    const next = resolveReconfiguration(current, partial);
    this.#options = next;
    this.#clock = next.clock;
    this.#emitter.onListenerError = next.onListenerError;
    if (partial.strategy !== undefined && partial.strategy !== current.strategy) {
      this.#strategy = next.createStrategy();
    }
    this.#updateModes();
  }

  /**
   * The durable part of the state in its JSON-safe form (`openUntil: null` for "until reset"),
   * for `initialState` in a later process: `JSON.stringify(breaker)` just works.
   */
  toJSON(): SerializedDurableState {
    return serializeDurableState(this.#durableState());
  }

  #durableState(): DurableState {
    return {
      state: this.#state,
      version: this.#version,
      openedAt: this.#openedAt,
      openUntil: this.#epochOpenUntil(),
      recoveryAttempt: this.#recoveryAttempt,
    };
  }

  /** `#openUntil` on the wall clock, for people and other processes. */
  #epochOpenUntil(): number {
    const until = this.#openUntil;
    if (until === 0 || until === Infinity) return until;
    return this.#clock.now() + (until - this.#clock.monotonic());
  }

  /** Counters, window rates and state, cheap enough to read at every metrics scrape. */
  snapshot(): BreakerSnapshot {
    const now = this.#clock.monotonic();
    return createSnapshot({
      name: this.name,
      state: this.#state,
      at: this.#clock.now(),
      now,
      stateSince: this.#stateSince,
      openUntil: this.#epochOpenUntil(),
      recoveryAttempt: this.#recoveryAttempt,
      version: this.#version,
      probesInFlight: this.#probes?.size ?? 0,
      probeSuccesses: this.#probeSuccesses,
      counters: this.#counters,
      createdAt: this.#createdAt,
      downMs: this.#downMs,
      lastFailure: this.#lastFailure,
      latency: this.#latency?.summary(),
      window: this.#strategy.stats(this.#strategy.usesTime ? now : 0),
      strategy: this.#strategy.describe(),
    });
  }

  /**
   * Releases what the breaker holds: listeners, the store subscription, and every unsettled
   * permit. A disposed breaker keeps its last state and still admits or rejects calls by it, but
   * records nothing: no counters, no window, no transition, no event.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#generation++;
    this.#probes?.clear();
    this.#store?.dispose();
    this.#emitter.clear();
    this.#updateModes();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // --- calls ---------------------------------------------------------------------------------

  // hot path: closed, untracked, with a deadline or a signal: no permit object, and the outcome
  // is recorded inside the deadline's own promise reaction.
  #executeWithDeadline<T>(fn: Action<T>, options: ExecuteOptions | undefined): Promise<T> {
    const signal = options?.signal;
    const timeoutMs = callTimeout(options, this.#options.timeoutMs);
    if (timeoutMs instanceof BreakwaterConfigError) return Promise.reject(timeoutMs);
    if (signal === undefined && timeoutMs === undefined) {
      return this.#executeWithPermit(fn, options);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#counters.calls++;
    if (this.#onFastSuccess === undefined) this.#bindFastHandlers();
    return new DeadlineCall<T>(
      this.#clock,
      timeoutMs ?? Infinity,
      signal,
      'aggressive',
      this.#onFastSuccess,
      this.#onFastFailure,
      this.#onFastCancel,
    ).run(fn);
  }

  #executeWithPermit<T>(fn: Action<T>, options: ExecuteOptions | undefined): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeoutMs = callTimeout(options, this.#options.timeoutMs);
    if (timeoutMs instanceof BreakwaterConfigError) return Promise.reject(timeoutMs);
    const permit = this.tryAcquire(options?.context);
    if (permit instanceof BreakerOpenError) return rejectDeferred(permit);
    let pending: PromiseLike<T>;
    try {
      pending =
        timeoutMs !== undefined || signal !== undefined
          ? runWithDeadline(fn, timeoutMs ?? Infinity, this.#clock, signal)
          : fn(undefined);
    } catch (error) {
      settleError(permit, error, signal);
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(
      (value) => {
        permit.success();
        return value;
      },
      (error: unknown) => {
        settleError(permit, error, signal);
        throw error;
      },
    );
  }

  #issue(context: CallContext | undefined, probe: boolean): Permit {
    if (!this.#disposed) this.#counters.calls++;
    const startedAt = this.#tracking ? this.#clock.monotonic() : -1;
    this.#host ??= {
      classify: (outcome, ctx) => this.#classify(outcome, ctx),
      settle: (permit, verdict) => this.#settlePermit(permit, verdict),
    };
    const permit = new Permit(this.#host, context, probe, this.#generation, startedAt);
    if (this.#emitter.has('call')) {
      this.#emitter.emit('call', { breaker: this.name, state: this.#state, probe, context });
    }
    return permit;
  }

  #reject(
    state: 'open' | 'half_open' | 'forced_open',
    retryAfterMs: number | undefined,
    context: CallContext | undefined,
  ): BreakerOpenError {
    if (!this.#disposed) this.#counters.rejected++;
    if (this.#emitter.has('rejected')) {
      this.#emitter.emit('rejected', { breaker: this.name, state, retryAfterMs, context });
    }
    return BreakerOpenError.fast(this.name, state, retryAfterMs);
  }

  #classify(outcome: Outcome, context: CallContext | undefined): Verdict {
    return this.#options.classifier(outcome, context, this.#clock.now());
  }

  /** The one route of errors thrown by user code the breaker calls (listeners, backoffs). */
  #reportCallbackError(error: unknown, source: string): void {
    reportCallbackError(this.#options.onListenerError, error, source);
  }

  #settlePermit(permit: Permit, verdict: Verdict | undefined): void {
    // A permit outlived its breaker: dispose() released it, so its outcome records nothing.
    if (this.#disposed) return;
    if (permit.probe) this.#probes?.delete(permit);
    const duration = permit.startedAt >= 0 ? this.#clock.monotonic() - permit.startedAt : -1;
    if (verdict === undefined) {
      this.#counters.released++;
      // A released probe decided nothing: its slot (removed from #probes above) is free again.
      return;
    }
    this.#record(verdict, duration, permit.probe, permit.generation, permit.context);
  }

  /** Counts an outcome, emits its events and moves the state machine. */
  #record(
    verdict: Verdict,
    durationMs: number,
    probe: boolean,
    generation: number,
    context: CallContext | undefined,
  ): void {
    if (this.#disposed) return;
    // A cancellation counts as nothing, on every path: the permit is given back.
    if (verdict.category === 'cancelled') {
      this.#counters.released++;
      return;
    }
    this.#counters.count(verdict);
    if (durationMs >= 0 && verdict.verdict !== 'ignore') {
      this.#latency ??= new LatencyHistogram();
      this.#latency.record(durationMs);
    }
    if (verdict.verdict === 'failure') {
      this.#lastFailure = { category: verdict.category, at: this.#clock.now() };
    }
    emitOutcome(this.#emitter, this.name, verdict, durationMs, context);
    const state = this.#state;
    if (probe) {
      // Only a probe of the current half-open period decides it.
      if (state === 'half_open' && generation === this.#generation) this.#recordProbe(verdict);
      return;
    }
    // A call admitted in an earlier period that ends while the breaker is closed again counts in
    // the new window, on both paths (the allocation-free closed path carries no period).
    if (state !== 'closed' || verdict.verdict === 'ignore') return;
    const now = this.#strategy.usesTime ? this.#clock.monotonic() : 0;
    const duration = Math.max(0, durationMs);
    if (verdict.verdict === 'success') {
      if (this.#strategy.onSuccess(now, duration)) this.#open('failures', undefined, 'none');
      return;
    }
    const trip = this.#strategy.onFailure(now, duration);
    if (verdict.retryAfterMs !== undefined && this.#options.openOnRetryAfter) {
      this.#open('retryAfter', verdict.retryAfterMs, verdict.category);
    } else if (trip) {
      this.#open('failures', verdict.retryAfterMs, verdict.category);
    }
  }

  #recordProbe(verdict: Verdict): void {
    if (verdict.verdict === 'ignore') return;
    if (verdict.verdict === 'success') {
      if (++this.#probeSuccesses >= this.#options.successCount) {
        this.#recoveryAttempt = 0;
        this.#lastRecoveryDelay = 0;
        this.#strategy.reset();
        this.#transition('closed', 'probeSucceeded', undefined);
      }
      return;
    }
    this.#recoveryAttempt++;
    this.#open('probeFailed', verdict.retryAfterMs, verdict.category);
  }

  /** Probes unsettled for longer than `probeTimeoutMs` count as failed (leaked or hung). */
  #expireProbes(now: number): void {
    const limit = this.#options.probeTimeoutMs;
    for (const permit of this.#probes ?? []) {
      const started = permit.startedAt >= 0 ? permit.startedAt : this.#stateSince;
      const age = now - started;
      if (age >= limit) {
        this.#probes?.delete(permit);
        this.#recoveryAttempt++;
        this.#open('probeTimedOut', undefined, 'timeout');
        return;
      }
    }
  }

  // --- transitions ---------------------------------------------------------------------------

  /**
   * Opens for exactly the server's wait when the failure carries one (`retryAfterMs`, capped by
   * `maxRetryAfterMs`: the server's word is the better estimate, and a retry waiting on the same
   * Retry-After then finds the breaker ready to probe), for the recovery delay otherwise, and
   * until reset once `maxRecoveryAttempts` recoveries have failed.
   */
  #open(
    reason: TransitionReason,
    retryAfterMs: number | undefined,
    category: Category | undefined,
  ): void {
    const now = this.#clock.monotonic();
    const { maxRecoveryAttempts, maxRetryAfterMs } = this.#options;
    let until: number;
    if (this.#recoveryAttempt >= maxRecoveryAttempts) {
      until = Infinity;
    } else if (retryAfterMs !== undefined) {
      until = now + Math.min(retryAfterMs, maxRetryAfterMs);
    } else {
      const delay = this.#recoveryDelay(this.#recoveryAttempt, this.#lastRecoveryDelay);
      this.#lastRecoveryDelay = delay;
      until = now + delay;
    }
    this.#openedAt = this.#clock.now();
    this.#openUntil = until;
    this.#transition('open', reason, category, now);
  }

  /** The recovery backoff's delay; a custom backoff's invalid delay falls back to the default. */
  #recoveryDelay(attempt: number, previousMs: number): number {
    const clock = this.#clock;
    return nextDelayMs(
      this.#options.recovery,
      attempt,
      previousMs,
      () => clock.random(),
      defaultRecovery,
      'recovery',
      (error, source) => this.#reportCallbackError(error, source),
    );
  }

  /**
   * The longest a restored or remote open period may last from now: what this breaker could have
   * chosen itself (its recovery delay at that attempt with the largest jitter, or
   * `maxRetryAfterMs`), so a corrupt or hostile `openUntil` years away cannot lock it out.
   */
  #maxOpenMs(attempt: number): number {
    const longest = nextDelayMs(
      this.#options.recovery,
      attempt,
      this.#lastRecoveryDelay,
      () => 1,
      defaultRecovery,
      'recovery',
      (error, source) => this.#reportCallbackError(error, source),
    );
    return Math.max(longest, this.#options.maxRetryAfterMs);
  }

  #transition(
    to: BreakerState,
    reason: TransitionReason,
    category: Category | undefined,
    now = this.#clock.monotonic(),
  ): void {
    const from = this.#state;
    if (from === to && to !== 'open') return;
    if (this.#disposed) return;
    if (isDown(from)) this.#downMs += Math.max(0, now - this.#stateSince);
    this.#state = to;
    this.#generation++;
    this.#version++;
    this.#stateSince = now;
    this.#probes?.clear();
    this.#probeSuccesses = 0;
    if (to !== 'open') this.#openUntil = 0;
    if (to === 'closed') this.#strategy.reset();
    this.#updateModes();
    this.#counters.transition(from, to);
    // Saved before anyone hears of it: a listener can delay the save, never skip it.
    if (reason !== 'remote' && reason !== 'restored') this.#store?.save(this.#durableState());
    if (this.#emitter.has('stateChange')) {
      this.#emitter.emit('stateChange', {
        breaker: this.name,
        from,
        to,
        reason,
        at: this.#clock.now(),
        openUntil: this.#epochOpenUntil(),
        category,
      });
    }
  }

  /**
   * Adopts a durable state (restored at start, or pushed by another process). Its epoch
   * `openUntil` becomes a monotonic deadline here, capped by {@link CircuitBreaker.#maxOpenMs}.
   */
  #apply(state: DurableState, reason: 'remote' | 'restored'): void {
    if (state.version < this.#version || (reason === 'remote' && state.version === this.#version)) {
      return;
    }
    this.#recoveryAttempt = state.recoveryAttempt;
    this.#openedAt = state.openedAt;
    // Half-open elsewhere means "probing now"; here that is an open state whose recovery is due,
    // so this process probes too only if the store lets it.
    const to = state.state === 'half_open' ? 'open' : state.state;
    const now = this.#clock.monotonic();
    if (to === 'open') {
      if (state.state === 'half_open') this.#openUntil = now;
      else if (state.openUntil === Infinity) this.#openUntil = Infinity;
      else {
        const remaining = Math.max(0, state.openUntil - this.#clock.now());
        this.#openUntil = now + Math.min(remaining, this.#maxOpenMs(state.recoveryAttempt));
      }
    }
    if (to !== this.#state) this.#transition(to, reason, undefined, now);
    this.#version = state.version;
  }

  #updateModes(): void {
    this.#tracking =
      this.#options.trackLatency ||
      this.#strategy.tracksLatency ||
      perCallEvents.some((event) => this.#emitter.has(event));
    this.#untracked =
      this.#state === 'closed' &&
      !this.#tracking &&
      this.#strategy.admit === undefined &&
      !this.#disposed;
    this.#fast = this.#untracked && this.#options.timeoutMs === undefined;
  }
}

/**
 * The deadline of one `execute()` call: its own `timeoutMs` (validated here, as per-call options
 * are not validated at construction; `Infinity` for none) or the breaker's.
 */
function callTimeout(
  options: ExecuteOptions | undefined,
  fallback: number | undefined,
): number | undefined | BreakwaterConfigError {
  const timeoutMs = options?.timeoutMs;
  if (timeoutMs === undefined) return fallback;
  try {
    const ms = expectTimeoutMs('timeoutMs', timeoutMs);
    return ms === Infinity ? undefined : ms;
  } catch (error) {
    return error as BreakwaterConfigError;
  }
}

/** Settles `permit` with a call's error by the one abort rule: a cancellation releases it. */
function settleError(permit: Permit, error: unknown, signal: AbortSignal | undefined): void {
  const outcome = outcomeOfError(error, signal);
  if (outcome === undefined) permit.release();
  else permit.settle(outcome);
}
