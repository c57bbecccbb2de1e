import { nextDelayMs } from '../backoff/nextDelayMs.ts';
import { systemClock } from '../Clock.ts';
import { defaultClassifier } from '../classify/defaultClassifier.ts';
import { successVerdict } from '../classify/verdicts.ts';
import { BreakerOpenError, type RejectingState } from '../errors/BreakerOpenError.ts';
import type { BreakerEvents, TransitionReason } from '../events/BreakerEvents.ts';
import { perCallEvents } from '../events/BreakerEvents.ts';
import { type Emitter, reportCallbackError } from '../events/Emitter.ts';
import { emitOutcome } from '../events/emitOutcome.ts';
import { LatencyHistogram } from '../metrics/LatencyHistogram.ts';
import type { CallContext, Category, Outcome, Verdict } from '../Outcome.ts';
import { Permit, type PermitHost } from '../Permit.ts';
import { redactError } from '../redact/redactError.ts';
import { defaultRecovery, type ResolvedBreakerOptions } from '../resolveBreakerOptions.ts';
import { type BreakerSnapshot, createSnapshot, isDown, LifetimeCounters } from '../snapshot.ts';
import { StoreLink } from '../store/StoreLink.ts';
import type { BreakerState, DurableState } from '../store/types.ts';
import type { AdmissionRefusal, BreakerStrategy } from '../strategies/types.ts';

/**
 * Which path a call takes (see `BreakerMachine.callPath`): through a permit, the plain
 * allocation-free closed path, or that path after the strategy's `admit`.
 */
export const callPath = { permit: 0, plain: 1, admitFirst: 2 } as const;

/**
 * The state machine behind a {@link CircuitBreaker}: its state and transitions, open periods
 * (recovery backoff, Retry-After, caps), half-open probes, what every outcome does to them, and
 * the durable state shared with a store. The public class only admits calls and delegates here.
 * Not part of the public API.
 *
 * Every duration is monotonic (`clock.monotonic()`); epoch times exist only at the edges people
 * and other processes read (events, snapshots, `DurableState`).
 */
export class BreakerMachine implements PermitHost {
  readonly name: string;
  options: ResolvedBreakerOptions;
  strategy: BreakerStrategy;
  /** The shared {@link emptyEmitter} until someone listens: most breakers never have a listener. */
  emitter: Emitter<BreakerEvents>;
  readonly counters = new LifetimeCounters();
  readonly #store: StoreLink | undefined;

  state: BreakerState = 'closed';
  /** Incremented on every transition: outcomes of permits from an older period are not counted. */
  generation = 0;
  #version = 0;
  /** Epoch ms of the last opening: informational, for other processes. */
  #openedAt = 0;
  /** Monotonic ms until which the breaker stays open (`Infinity`: until reset), 0 when not open. */
  openUntil = 0;
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
  tracking = false;
  /**
   * {@link callPath}: `plain` when closed, not tracking and not disposed (no permit object is
   * needed), `admitFirst` when the strategy also asks to `admit` each call, `permit` otherwise.
   * One small integer rather than two flags: an idle breaker holds no extra field for it.
   */
  callPath: number = callPath.plain;
  disposed = false;

  /** Where a custom strategy's errors go: the breaker's `onListenerError`, as `strategy`. */
  reportStrategyError(error: unknown): void {
    reportCallbackError(this.options.onListenerError, error, 'strategy');
  }

  /** A new strategy from the options in force (at construction and on `reconfigure`). */
  createStrategy(): BreakerStrategy {
    return this.options.createStrategy(this, this.options.clock);
  }

  constructor(name: string, options: ResolvedBreakerOptions, emitter: Emitter<BreakerEvents>) {
    this.name = name;
    this.options = options;
    this.strategy = options.createStrategy(this, options.clock);
    this.emitter = emitter;
    this.#stateSince = wholeMs(options.clock.monotonic());
    this.#createdAt = this.#stateSince;
    this.updateModes();
    if (options.initialState !== undefined) this.#apply(options.initialState, 'restored');
    this.#store =
      options.store === undefined
        ? undefined
        : new StoreLink(options.store, name, {
            apply: (state, reason) => this.#apply(state, reason),
            monotonic: () => this.options.clock.monotonic(),
            report: (operation, error) =>
              this.emitter.emit('storeError', {
                breaker: name,
                operation,
                // A store's error can carry a connection string or a path with credentials.
                error: redactError(error),
              }),
          });
  }

  /** See `CircuitBreaker.ready`. */
  get loaded(): Promise<void> {
    return this.#store?.loaded ?? Promise.resolve();
  }

  // --- admission -----------------------------------------------------------------------------

  /** A permit for one call, or the error to reject it with. See `CircuitBreaker.tryAcquire`. */
  tryAcquire(context: CallContext | undefined): Permit | BreakerOpenError {
    const state = this.state;
    const clock = this.options.clock;
    if (state === 'closed' || state === 'disabled') {
      if (state === 'closed' && this.strategy.admit !== undefined) {
        const refused = this.#admit(context);
        if (refused !== undefined) return refused;
      }
      return this.#issue(context, false);
    }
    if (state === 'forced_open') return this.#reject('forced_open', undefined, context);
    const now = clock.monotonic();
    if (state === 'open') {
      if (now < this.openUntil) return this.#reject('open', this.openUntil - now, context);
      if (this.#store !== undefined && !this.#store.mayProbe(this.options.probeTimeoutMs)) {
        return this.#reject('open', 0, context);
      }
      this.transition('half_open', 'recoveryDue', undefined);
    }
    this.#probes ??= new Set();
    if (this.#probes.size >= this.options.maxProbes) {
      this.#expireProbes(now);
      if (this.state !== 'half_open') return this.tryAcquire(context);
      if (this.#probes.size >= this.options.maxProbes) {
        return this.#reject('half_open', undefined, context);
      }
    }
    const permit = this.#issue(context, true);
    this.#probes.add(permit);
    return permit;
  }

  /**
   * hot path (with an admitting strategy): asks the strategy, and returns the error to reject
   * the call with when it refuses. A refusal of a closed breaker carries the strategy's
   * rejection rate and no `retryAfterMs`: it is a probability, not a wait.
   */
  #admit(context: CallContext | undefined): BreakerOpenError | undefined {
    const strategy = this.strategy;
    const answer = strategy.admit!(strategy.usesTime ? this.options.clock.monotonic() : 0);
    if (answer === true) return undefined;
    const rate = answer === false ? undefined : (answer as AdmissionRefusal).rejectionRate;
    return this.#reject('closed', undefined, context, rate);
  }

  /** `#admit` for the allocation-free closed path, which counts its calls itself. */
  admitFast(): BreakerOpenError | undefined {
    return this.#admit(undefined);
  }

  #issue(context: CallContext | undefined, probe: boolean): Permit {
    if (!this.disposed) this.counters.admitted(this.state);
    const startedAt = this.tracking ? this.options.clock.monotonic() : -1;
    const permit = new Permit(this, context, probe, this.generation, startedAt);
    if (this.emitter.has('call')) {
      this.emitter.emit('call', { breaker: this.name, state: this.state, probe, context });
    }
    return permit;
  }

  #reject(
    state: RejectingState,
    retryAfterMs: number | undefined,
    context: CallContext | undefined,
    rejectionRate?: number,
  ): BreakerOpenError {
    if (!this.disposed) this.counters.rejectedIn(this.state);
    if (this.emitter.has('rejected')) {
      this.emitter.emit('rejected', {
        breaker: this.name,
        state,
        retryAfterMs,
        rejectionRate,
        context,
      });
    }
    return BreakerOpenError.fast(this.name, state, retryAfterMs, rejectionRate);
  }

  /** Probes unsettled for longer than `probeTimeoutMs` count as failed (leaked or hung). */
  #expireProbes(now: number): void {
    if (this.disposed) return;
    const limit = this.options.probeTimeoutMs;
    for (const permit of this.#probes ?? []) {
      const started = permit.startedAt >= 0 ? permit.startedAt : this.#stateSince;
      if (now - started >= limit) {
        this.#probes?.delete(permit);
        this.#recoveryAttempt++;
        this.open('probeTimedOut', undefined, 'timeout');
        return;
      }
    }
  }

  // --- outcomes ------------------------------------------------------------------------------

  /** @internal {@link PermitHost}: the breaker's classification of an outcome. */
  classify(outcome: Outcome, context: CallContext | undefined): Verdict {
    const { classifier, clock } = this.options;
    // The default classifier reads `Date.now()` itself, and only for a Retry-After date: with
    // the system clock that is the same time, without a clock read per call (~8 % of an HTTP
    // request's cost in the guard's profile here).
    if (classifier === defaultClassifier && clock === systemClock) {
      return defaultClassifier(outcome, context);
    }
    return classifier(outcome, context, clock.now());
  }

  /** @internal {@link PermitHost}: a permit was settled (`undefined`: released). */
  settle(permit: Permit, verdict: Verdict | undefined): void {
    // A permit outlived its breaker: dispose() released it, so its outcome records nothing.
    if (this.disposed) return;
    if (permit.probe) this.#probes?.delete(permit);
    const clock = this.options.clock;
    const duration = permit.startedAt >= 0 ? clock.monotonic() - permit.startedAt : -1;
    if (verdict === undefined) {
      this.counters.released++;
      // A released probe decided nothing: its slot (removed from #probes above) is free again.
      if (!permit.probe) this.uncounted();
      return;
    }
    this.record(verdict, duration, permit.probe, permit.generation, permit.context);
  }

  /**
   * An admitted call ended without an outcome for the strategy's window: a strategy that counts
   * calls in flight hears of it. Only strategies with `admit` implement `onUncounted`.
   */
  uncounted(): void {
    const strategy = this.strategy;
    if (strategy.onUncounted === undefined || this.disposed) return;
    strategy.onUncounted(strategy.usesTime ? this.options.clock.monotonic() : 0);
  }

  // hot path: a success on the closed path with no permit.
  recordFastSuccess(): void {
    if (this.state !== 'closed' || this.disposed) {
      this.record(successVerdict, -1, false, this.generation, undefined);
      return;
    }
    this.counters.successes++;
    const strategy = this.strategy;
    const now = strategy.usesTime ? this.options.clock.monotonic() : 0;
    if (strategy.onSuccess(now, 0)) this.open('failures', undefined, 'none');
  }

  /**
   * Counts an outcome, emits its events and moves the state machine. A call admitted in an
   * earlier state period that ends while the breaker is closed counts in the current window,
   * on every path (the allocation-free closed path carries no period); only a probe of the
   * current half-open period decides that period.
   */
  record(
    verdict: Verdict,
    durationMs: number,
    probe: boolean,
    generation: number,
    context: CallContext | undefined,
  ): void {
    if (this.disposed) return;
    // A cancellation counts as nothing, on every path: the permit is given back.
    if (verdict.category === 'cancelled') {
      this.counters.released++;
      if (!probe) this.uncounted();
      return;
    }
    this.counters.count(verdict);
    const clock = this.options.clock;
    if (durationMs >= 0 && verdict.verdict !== 'ignore') {
      this.#latency ??= new LatencyHistogram();
      this.#latency.record(durationMs);
    }
    if (verdict.verdict === 'failure') {
      this.#lastFailure = { category: verdict.category, at: clock.now() };
    }
    emitOutcome(this.emitter, this.name, verdict, durationMs, context);
    const state = this.state;
    if (probe) {
      if (state === 'half_open' && generation === this.generation) this.#recordProbe(verdict);
      return;
    }
    if (state !== 'closed' || verdict.verdict === 'ignore') {
      this.uncounted();
      if (state !== 'closed' && verdict.retryAfterMs !== undefined) this.#extendOpen(verdict);
      return;
    }
    const now = this.strategy.usesTime ? clock.monotonic() : 0;
    const duration = Math.max(0, durationMs);
    if (verdict.verdict === 'success') {
      if (this.strategy.onSuccess(now, duration)) this.open('failures', undefined, 'none');
      return;
    }
    const trip = this.strategy.onFailure(now, duration);
    if (verdict.retryAfterMs !== undefined && this.options.openOnRetryAfter) {
      this.open('retryAfter', verdict.retryAfterMs, verdict.category);
    } else if (trip) {
      this.open('failures', verdict.retryAfterMs, verdict.category);
    }
  }

  /**
   * A server's wait that arrives while the breaker is already open (a slow call answering 418
   * with a two-minute ban after a 429 opened it for one second), or half-open (from a call of an
   * earlier period): the server's word still holds, so the open period ends no sooner than it.
   */
  #extendOpen(verdict: Verdict): void {
    if (verdict.verdict !== 'failure' || !this.options.openOnRetryAfter) return;
    const state = this.state;
    if (state !== 'open' && state !== 'half_open') return;
    if (state === 'half_open') {
      this.open('retryAfter', verdict.retryAfterMs, verdict.category);
      return;
    }
    const until =
      this.options.clock.monotonic() +
      Math.min(verdict.retryAfterMs!, this.options.maxRetryAfterMs);
    if (until <= this.openUntil) return;
    // Still open, only longer: no transition, but a new version, so other processes adopt it.
    this.openUntil = until;
    this.#version++;
    this.#store?.save(this.durableState());
  }

  #recordProbe(verdict: Verdict): void {
    if (verdict.verdict === 'ignore') return;
    if (verdict.verdict === 'success') {
      if (++this.#probeSuccesses >= this.options.successCount) this.close('probeSucceeded');
      return;
    }
    this.#recoveryAttempt++;
    this.open('probeFailed', verdict.retryAfterMs, verdict.category);
  }

  // --- transitions ---------------------------------------------------------------------------

  /** Closes, forgetting failures and failed recoveries. */
  close(reason: TransitionReason): void {
    this.#recoveryAttempt = 0;
    this.#lastRecoveryDelay = 0;
    this.strategy.reset();
    this.transition('closed', reason, undefined);
  }

  /**
   * Opens for exactly the server's wait when the failure carries one (`retryAfterMs`, capped by
   * `maxRetryAfterMs`: the server's word is the better estimate, and a retry waiting on the same
   * Retry-After then finds the breaker ready to probe), for the recovery delay otherwise, and
   * until reset once `maxRecoveryAttempts` recoveries have failed.
   */
  open(
    reason: TransitionReason,
    retryAfterMs: number | undefined,
    category: Category | undefined,
  ): void {
    const clock = this.options.clock;
    const now = clock.monotonic();
    const { maxRecoveryAttempts, maxRetryAfterMs } = this.options;
    let until: number;
    if (this.#recoveryAttempt >= maxRecoveryAttempts) {
      until = Infinity;
    } else if (retryAfterMs !== undefined) {
      until = now + Math.min(retryAfterMs, maxRetryAfterMs);
    } else {
      const delay = this.#recoveryDelay(this.#recoveryAttempt, this.#lastRecoveryDelay, () =>
        clock.random(),
      );
      this.#lastRecoveryDelay = delay;
      until = now + delay;
    }
    this.#openedAt = clock.now();
    this.openUntil = until;
    this.transition('open', reason, category, now);
  }

  /** The recovery backoff's delay; a custom backoff's invalid delay falls back to the default. */
  #recoveryDelay(attempt: number, previousMs: number, random: () => number): number {
    return nextDelayMs(
      this.options.openMs,
      attempt,
      previousMs,
      random,
      defaultRecovery,
      'openMs',
      (error, source) => reportCallbackError(this.options.onListenerError, error, source),
    );
  }

  transition(
    to: BreakerState,
    reason: TransitionReason,
    category: Category | undefined,
    now = this.options.clock.monotonic(),
  ): void {
    const from = this.state;
    if ((from === to && to !== 'open') || this.disposed) return;
    if (isDown(from)) this.#downMs += Math.max(0, now - this.#stateSince);
    this.state = to;
    this.generation++;
    this.#version++;
    this.#stateSince = wholeMs(now);
    this.#probes?.clear();
    this.#probeSuccesses = 0;
    if (to !== 'open') this.openUntil = 0;
    if (to === 'closed') this.strategy.reset();
    this.updateModes();
    this.counters.transition(from, to);
    // Saved before anyone hears of it: a listener can delay the save, never skip it.
    if (reason !== 'remote' && reason !== 'restored') this.#store?.save(this.durableState());
    if (this.emitter.has('stateChange')) {
      this.emitter.emit('stateChange', {
        breaker: this.name,
        from,
        to,
        reason,
        at: this.options.clock.now(),
        openUntil: this.#epochOpenUntil(),
        category,
      });
    }
  }

  /**
   * Adopts a durable state (restored at start, or pushed by another process). Its epoch
   * `openUntil` becomes a monotonic deadline here, capped by what this breaker could have chosen
   * itself (its recovery delay at that attempt with the largest jitter, or `maxRetryAfterMs`), so
   * a corrupt or hostile `openUntil` years away cannot lock it out.
   */
  #apply(state: DurableState, reason: 'remote' | 'restored'): void {
    const version = this.#version;
    if (state.version < version || (reason === 'remote' && state.version === version)) return;
    this.#recoveryAttempt = state.recoveryAttempt;
    this.#openedAt = state.openedAt;
    // Half-open elsewhere means "probing now"; here that is an open state whose recovery is due,
    // so this process probes too only if the store lets it.
    const to = state.state === 'half_open' ? 'open' : state.state;
    const clock = this.options.clock;
    const now = clock.monotonic();
    if (to === 'open') {
      if (state.state === 'half_open') this.openUntil = now;
      else if (state.openUntil === Infinity) this.openUntil = Infinity;
      else {
        const remaining = Math.max(0, state.openUntil - clock.now());
        const longest = this.#recoveryDelay(
          state.recoveryAttempt,
          this.#lastRecoveryDelay,
          () => 1,
        );
        this.openUntil = now + Math.min(remaining, Math.max(longest, this.options.maxRetryAfterMs));
      }
    }
    if (to !== this.state) this.transition(to, reason, undefined, now);
    this.#version = state.version;
  }

  // --- views ---------------------------------------------------------------------------------

  durableState(): DurableState {
    return {
      state: this.state,
      version: this.#version,
      openedAt: this.#openedAt,
      openUntil: this.#epochOpenUntil(),
      recoveryAttempt: this.#recoveryAttempt,
    };
  }

  /** `openUntil` on the wall clock, for people and other processes. */
  #epochOpenUntil(): number {
    const until = this.openUntil;
    // 0 means "not open" to readers; an open period that ended at monotonic 0 still reads open.
    if (this.state !== 'open') return 0;
    if (until === Infinity) return until;
    const clock = this.options.clock;
    return clock.now() + (until - clock.monotonic());
  }

  snapshot(): BreakerSnapshot {
    const clock = this.options.clock;
    const now = clock.monotonic();
    return createSnapshot({
      name: this.name,
      state: this.state,
      at: clock.now(),
      now,
      stateSince: this.#stateSince,
      openUntil: this.#epochOpenUntil(),
      recoveryAttempt: this.#recoveryAttempt,
      version: this.#version,
      probesInFlight: this.#probes?.size ?? 0,
      probeSuccesses: this.#probeSuccesses,
      counters: this.counters,
      createdAt: this.#createdAt,
      downMs: this.#downMs,
      lastFailure: this.#lastFailure,
      latency: this.#latency?.summary(),
      window: this.strategy.stats(this.strategy.usesTime ? now : 0),
      strategy: this.strategy.describe(),
    });
  }

  /** Recomputes which call paths are open to the breaker after a change of state or listeners. */
  updateModes(): void {
    this.tracking =
      this.options.trackLatency ||
      this.strategy.tracksLatency ||
      perCallEvents.some((event) => this.emitter.has(event));
    this.callPath =
      this.state !== 'closed' || this.tracking || this.disposed
        ? callPath.permit
        : this.strategy.admit === undefined
          ? callPath.plain
          : callPath.admitFirst;
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.#probes?.clear();
    this.#store?.dispose();
    this.updateModes();
  }
}

/**
 * Monotonic ms kept per breaker, floored: a whole number below 2^31 is stored in the object
 * itself, a fraction is boxed (16 bytes more per field, per breaker). Time in state and uptime
 * need no sub-millisecond precision.
 */
function wholeMs(ms: number): number {
  return Math.floor(ms);
}
