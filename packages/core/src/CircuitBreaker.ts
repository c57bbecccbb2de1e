import { BreakerMachine, callPath } from './breaker/BreakerMachine.ts';
import { outcomeOfError } from './classify/errorTraits.ts';
import { successVerdict } from './classify/verdicts.ts';
import { DeadlineCall } from './deadline.ts';
import { BreakerOpenError } from './errors/BreakerOpenError.ts';
import { BreakwaterConfigError } from './errors/BreakwaterConfigError.ts';
import type { BreakerEvents } from './events/BreakerEvents.ts';
import { Emitter, emptyEmitter } from './events/Emitter.ts';
import type { CallContext, Outcome, Verdict } from './Outcome.ts';
import type { Permit } from './Permit.ts';
import type { Action, ExecuteOptions } from './policies/Policy.ts';
import { PolicyBase } from './policies/PolicyBase.ts';
import type { TimeoutExecuteOptions, TimeoutPolicy } from './policies/TimeoutPolicy.ts';
import { rejectDeferred } from './rejectDeferred.ts';
import {
  type BreakerOptions,
  type ReconfigurableBreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerName,
  resolveBreakerOptions,
  resolveReconfiguration,
} from './resolveBreakerOptions.ts';
import type { BreakerSnapshot } from './snapshot.ts';
import { type SerializedDurableState, serializeDurableState } from './store/parseDurableState.ts';
import type { BreakerState } from './store/types.ts';

/**
 * Calls admitted plus calls rejected over a breaker's life: any use changes it. Reads two
 * numbers, where `snapshot()` builds a whole object: the registry reads it for many breakers
 * at once when it looks for one to evict. Not part of the public API.
 */
export let usesOf: (breaker: CircuitBreaker) => number;

/**
 * Creates a breaker from options resolved once for many (a registry's `defaults`): breakers
 * configured alike share one resolved object. Not part of the public API.
 */
export let createBreaker: (name: string, options: ResolvedBreakerOptions) => CircuitBreaker;

/**
 * A circuit breaker: stops calling a dependency that keeps failing, and lets a few probes
 * through once it may have recovered.
 *
 * States: `closed` (calls flow; the strategy watches failures), `open` (calls are rejected with
 * {@link BreakerOpenError} until the open period ends), `half_open` (up to `halfOpen.maxProbes`
 * probes decide whether to close or re-open), and the manual modes `forced_open` and `disabled`.
 * Open → half-open is a timestamp comparison on the next call: no timer runs while the breaker
 * is open.
 *
 * Use `execute()` to run a call through it, or `tryAcquire()` and the returned {@link Permit}
 * when a client's hooks split the call in two (the HTTP adapters do). For a deadline, put a
 * `timeout()` policy inside it: `pipeline(breaker, timeout(5_000))`.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ name: 'https://api.kraken.com', openMs: 30_000 });
 * const ticker = await breaker.execute((signal) => fetch(url, { signal }).then(readJson));
 * ```
 */
export class CircuitBreaker extends PolicyBase<BreakerEvents> implements Disposable {
  static {
    usesOf = (breaker) => breaker.#machine.counters.calls + breaker.#machine.counters.rejected;
    createBreaker = (name, options) => {
      resolving = options;
      try {
        return new CircuitBreaker({ name });
      } finally {
        resolving = undefined;
      }
    };
  }

  readonly #machine: BreakerMachine;

  // hot path: bound once per breaker, on its first call (an idle breaker holds no closure),
  // and attached to every closed-path call's promise.
  #onFastSuccess: (<T>(value: T) => T) | undefined;
  #onFastFailure: ((error: unknown) => never) | undefined;
  #onFastCancel: ((reason: unknown) => never) | undefined;

  #bindFastHandlers(): void {
    const machine = this.#machine;
    this.#onFastSuccess = <T>(value: T): T => {
      machine.recordFastSuccess();
      return value;
    };
    this.#onFastFailure = (error: unknown): never => {
      machine.record(
        machine.classify({ kind: 'error', error }, undefined),
        -1,
        false,
        0,
        undefined,
      );
      throw error;
    };
    this.#onFastCancel = (reason: unknown): never => {
      if (!machine.disposed) machine.counters.released++;
      machine.uncounted();
      throw reason;
    };
  }

  /**
   * @throws BreakwaterConfigError when an option is invalid (the message names it)
   */
  constructor(options: BreakerOptions = {}) {
    const name = resolveBreakerName(options);
    const resolved = resolving ?? resolveBreakerOptions(options);
    const emitter = emptyEmitter<BreakerEvents>();
    super(emitter);
    this.#machine = new BreakerMachine(name, resolved, emitter);
  }

  /** The breaker's name: its key in errors, events, registries and metrics. */
  get name(): string {
    return this.#machine.name;
  }

  /** The current state. An open breaker whose open period is over still reads `open` until a call. */
  get state(): BreakerState {
    return this.#machine.state;
  }

  /**
   * Settles once the state saved in the `store` has been loaded and applied (or the failure to
   * load it reported as `storeError`); at once without a store. Never rejects. Await it at
   * start-up so the first calls see a breaker a previous process left open.
   */
  get ready(): Promise<void> {
    return this.#machine.loaded;
  }

  /** The validated options in force. */
  get options(): ResolvedBreakerOptions {
    return this.#machine.options;
  }

  /**
   * Runs `fn` through the breaker. Rejects with {@link BreakerOpenError} without calling `fn`
   * when the breaker does not admit the call; otherwise settles with `fn`'s result, after
   * recording its outcome.
   *
   * `fn` receives the caller's signal, if any (`undefined` otherwise). A caller's abort rejects
   * with the signal's reason and counts as nothing, unless the reason is a timeout
   * (`AbortSignal.timeout()`), which is a `timeout` failure.
   *
   * @throws BreakerOpenError when the breaker is open, forced open, or out of half-open probes
   */
  // hot path: closed breaker, no options, nobody listening to per-call events.
  execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T> {
    const machine = this.#machine;
    const path = machine.callPath;
    if (path !== callPath.permit && options?.context === undefined) {
      if (options?.signal === undefined) {
        if (path === callPath.admitFirst) {
          const refused = machine.admitFast();
          if (refused !== undefined) return rejectDeferred(refused);
        }
        machine.counters.calls++;
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
      return this.#executeWithSignal(fn, options.signal, path);
    }
    return this.#executeWithPermit(fn, options);
  }

  /**
   * @internal `pipeline(breaker, timeout(ms))` runs through here: on the closed untracked path
   * the timeout's deadline records this breaker's outcome in its own reactions (no permit, no
   * second promise); anywhere else it composes as two layers would.
   */
  executeWithin<T>(
    fn: Action<T>,
    options: TimeoutExecuteOptions | undefined,
    deadline: TimeoutPolicy,
  ): Promise<T> {
    const machine = this.#machine;
    // With an admitting strategy the call takes the two-layer path below, which asks it once.
    if (machine.callPath === callPath.plain && options?.context === undefined) {
      const signal = options?.signal;
      if (signal === undefined || isSignal(signal)) {
        if (signal?.aborted) return Promise.reject(signal.reason);
        if (this.#onFastSuccess === undefined) this.#bindFastHandlers();
        const fused = deadline.fuse(
          fn,
          options,
          this.#onFastSuccess!,
          this.#onFastFailure!,
          this.#onFastCancel!,
        );
        if (fused !== undefined) {
          machine.counters.calls++;
          return fused;
        }
      }
    }
    return this.execute((inner) => deadline.execute(fn, withSignal(options, inner)), options);
  }

  /**
   * Asks for a permit to make one call. Never throws: returns a {@link BreakerOpenError} when
   * the call may not go out. This is the adapters' entry point.
   */
  tryAcquire(context?: CallContext): Permit | BreakerOpenError {
    return this.#machine.tryAcquire(context);
  }

  /**
   * Like {@link CircuitBreaker.tryAcquire}, but throws when the call may not go out.
   * The permit is `Disposable`: `using permit = breaker.acquire()` releases it if unsettled.
   * @throws BreakerOpenError when the breaker does not admit the call
   */
  acquire(context?: CallContext): Permit {
    const permit = this.#machine.tryAcquire(context);
    if (permit instanceof BreakerOpenError) throw permit;
    return permit;
  }

  /** Classifies an outcome with this breaker's rules, without recording anything. */
  classify(outcome: Outcome, context?: CallContext): Verdict {
    return this.#machine.classify(outcome, context);
  }

  /**
   * Subscribes to an event; returns an idempotent unsubscribe function. Listening to a per-call
   * event (`call`, `success`, `failure`, `ignored`, `timeout`) turns on latency measurement.
   */
  override on<K extends keyof BreakerEvents>(
    event: K,
    listener: (payload: BreakerEvents[K]) => void,
  ): () => void {
    const machine = this.#machine;
    // A disposed breaker emits nothing: a listener added afterwards would never be called.
    if (machine.disposed) return noop;
    if (this.emitter === emptyEmitter<BreakerEvents>()) {
      this.emitter = new Emitter(machine.options.onListenerError);
      machine.emitter = this.emitter;
    }
    const unsubscribe = super.on(event, listener);
    this.#machine.updateModes();
    return () => {
      unsubscribe();
      this.#machine.updateModes();
    };
  }

  /** Closes the breaker and forgets its failures and failed recoveries. */
  reset(): void {
    this.#machine.close('manual');
  }

  /**
   * Opens the breaker now, as a tripped threshold would: calls are rejected for the `openMs`
   * delay, then probes decide. Unlike `forceOpen()`, it recovers on its own (a failed health
   * check, an operator's "back off now"). An open or half-open breaker starts a new open period;
   * a forced-open or disabled one is left as it is.
   */
  trip(): void {
    const state = this.#machine.state;
    if (state === 'forced_open' || state === 'disabled') return;
    this.#machine.open('manual', undefined, undefined);
  }

  /** Isolates the dependency: every call is rejected until `reset()` or `enable()`. */
  forceOpen(): void {
    this.#machine.transition('forced_open', 'manual', undefined);
  }

  /** Lets every call through while still recording outcomes; never opens. */
  disable(): void {
    this.#machine.transition('disabled', 'manual', undefined);
  }

  /** Leaves `forced_open` or `disabled` for a fresh `closed` state. */
  enable(): void {
    const state = this.#machine.state;
    if (state === 'forced_open' || state === 'disabled') this.reset();
  }

  /**
   * Re-validates and swaps the options (e.g. a new threshold from an operator). The state is
   * kept; the strategy's window starts empty when `strategy` changes. `name`, `store` and
   * `initialState` are fixed at construction.
   * @throws BreakwaterConfigError when an option is invalid, unknown or fixed; nothing changes then
   */
  reconfigure(partial: ReconfigurableBreakerOptions): void {
    const machine = this.#machine;
    const current = machine.options;
    const next = resolveReconfiguration(current, partial);
    machine.options = next;
    if (this.emitter !== emptyEmitter<BreakerEvents>()) {
      this.emitter.onListenerError = next.onListenerError;
    }
    if (partial.strategy !== undefined && partial.strategy !== current.strategy) {
      machine.strategy = machine.createStrategy();
    }
    machine.updateModes();
  }

  /**
   * The durable part of the state in its JSON-safe form (`openUntil: null` for "until reset"),
   * for `initialState` in a later process: `JSON.stringify(breaker)` just works.
   */
  toJSON(): SerializedDurableState {
    return serializeDurableState(this.#machine.durableState());
  }

  /** Counters, window rates and state, cheap enough to read at every metrics scrape. */
  snapshot(): BreakerSnapshot {
    return this.#machine.snapshot();
  }

  /**
   * Releases what the breaker holds: listeners, the store subscription, and every unsettled
   * permit. A disposed breaker keeps its last state and still admits or rejects calls by it, but
   * records nothing: no counters, no window, no transition, no event.
   */
  dispose(): void {
    if (this.#machine.disposed) return;
    this.#machine.dispose();
    this.emitter.clear();
  }

  /** `using breaker = new CircuitBreaker()`: the same as {@link CircuitBreaker.dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // hot path: closed, untracked, with a caller's signal: no permit object, and the outcome is
  // recorded inside the call's own promise reaction.
  #executeWithSignal<T>(fn: Action<T>, signal: AbortSignal, path: number): Promise<T> {
    if (!isSignal(signal)) return Promise.reject(signalError(signal));
    if (signal.aborted) return Promise.reject(signal.reason);
    if (path === callPath.admitFirst) {
      const refused = this.#machine.admitFast();
      if (refused !== undefined) return rejectDeferred(refused);
    }
    this.#machine.counters.calls++;
    if (this.#onFastSuccess === undefined) this.#bindFastHandlers();
    return new DeadlineCall<T>(
      this.#machine.options.clock,
      Infinity,
      signal,
      'aggressive',
      this.#onFastSuccess,
      this.#onFastFailure,
      this.#onFastCancel,
    ).run(fn);
  }

  #executeWithPermit<T>(fn: Action<T>, options: ExecuteOptions | undefined): Promise<T> {
    const signal = options?.signal;
    if (signal !== undefined && !isSignal(signal)) return Promise.reject(signalError(signal));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const permit = this.#machine.tryAcquire(options?.context);
    if (permit instanceof BreakerOpenError) return rejectDeferred(permit);
    let pending: PromiseLike<T>;
    try {
      pending =
        signal === undefined
          ? fn(undefined)
          : new DeadlineCall<T>(
              this.#machine.options.clock,
              Infinity,
              signal,
              'aggressive',
              undefined,
              undefined,
              undefined,
            ).run(fn);
    } catch (error) {
      settleError(permit, error, signal);
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(
      (value) => {
        permit.settle(successVerdict);
        return value;
      },
      (error: unknown) => {
        settleError(permit, error, signal);
        throw error;
      },
    );
  }
}

const noop = (): void => {};

/** `options` with the signal an outer policy passed down. */
function withSignal<O extends ExecuteOptions>(
  options: O | undefined,
  signal: AbortSignal | undefined,
): O | undefined {
  if (signal === undefined || signal === options?.signal) return options;
  return { ...options, signal } as O;
}

/** Options already resolved, handed to the constructor by {@link createBreaker}. */
let resolving: ResolvedBreakerOptions | undefined;

/** An `AbortSignal` from any realm or polyfill: what the deadline code reads of one. */
function isSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

function signalError(signal: unknown): BreakwaterConfigError {
  return new BreakwaterConfigError('signal', 'an AbortSignal', signal);
}

/** Settles `permit` with a call's error by the one abort rule: a cancellation releases it. */
function settleError(permit: Permit, error: unknown, signal: AbortSignal | undefined): void {
  const outcome = outcomeOfError(error, signal);
  if (outcome === undefined) permit.release();
  else permit.settle(outcome);
}
