import { failureVerdict, successVerdict } from './classify/verdicts.ts';
import type { CallContext, Category, Outcome, Verdict } from './Outcome.ts';

/** What a permit needs from its breaker; implemented privately by `CircuitBreaker`. */
export interface PermitHost {
  classify(outcome: Outcome, context: CallContext | undefined): Verdict;
  settle(permit: Permit, verdict: Verdict | undefined): void;
}

const released: unique symbol = Symbol('released');

/**
 * The right to make one call through a breaker, returned by `tryAcquire()` / `acquire()`.
 * Settle it exactly once with the call's outcome: `settle(outcome)`, `success()`,
 * `failure(error)`, or `release()` when the call should not count (the caller aborted).
 *
 * Settling twice is a no-op the second time. A permit nobody settles is released by
 * `[Symbol.dispose]` (so `using permit = breaker.acquire()` is safe), and by `breaker.dispose()`
 * or any state change after which its outcome no longer matters; a half-open probe that is
 * never settled counts as failed after `halfOpen.probeTimeoutMs`.
 *
 * @example
 * ```ts
 * const permit = breaker.tryAcquire({ method: 'GET' });
 * if (isBreakerOpenError(permit)) throw permit;
 * try {
 *   const response = await fetch(url);
 *   permit.settle(outcomeFromResponse(response));
 * } catch (error) {
 *   permit.failure(error);
 *   throw error;
 * }
 * ```
 */
export class Permit implements Disposable {
  readonly #host: PermitHost;
  /** The call's context, as passed to `tryAcquire`. */
  readonly context: CallContext | undefined;
  /** True when this permit is a half-open probe. */
  readonly probe: boolean;
  /** @internal The breaker generation (state period) the permit was issued in. */
  readonly generation: number;
  /** @internal Monotonic start time, or -1 when latency is not tracked. */
  readonly startedAt: number;
  #verdict: Verdict | typeof released | undefined;

  /** @internal Created by the breaker. */
  constructor(
    host: PermitHost,
    context: CallContext | undefined,
    probe: boolean,
    generation: number,
    startedAt: number,
  ) {
    this.#host = host;
    this.context = context;
    this.probe = probe;
    this.generation = generation;
    this.startedAt = startedAt;
  }

  /** True once the permit has been settled or released. */
  get settled(): boolean {
    return this.#verdict !== undefined;
  }

  /**
   * Classifies the outcome with the breaker's rules, records it and returns the verdict.
   * A second call returns the first verdict and records nothing.
   */
  settle(outcome: Outcome): Verdict {
    if (this.#verdict === released) return this.#host.classify(outcome, this.context);
    if (this.#verdict !== undefined) return this.#verdict;
    const verdict = this.#host.classify(outcome, this.context);
    this.#verdict = verdict;
    this.#host.settle(this, verdict);
    return verdict;
  }

  /**
   * Records a verdict reached elsewhere (an adapter's own rules) instead of classifying; a
   * second settlement returns the first verdict and records nothing.
   */
  settleWith(verdict: Verdict): Verdict {
    if (this.#verdict === released) return verdict;
    if (this.#verdict !== undefined) return this.#verdict;
    this.#verdict = verdict;
    this.#host.settle(this, verdict);
    return verdict;
  }

  /** Records a success, whatever the classifier would say. */
  success(): void {
    if (this.#verdict !== undefined) return;
    this.#verdict = successVerdict;
    this.#host.settle(this, successVerdict);
  }

  /**
   * Classifies a thrown error and records it; returns the verdict (e.g. `cancelled`). Pass a
   * `category` when the caller knows better than the classifier (a WebSocket closed before
   * `minUptimeMs` is a `network` failure whatever error, if any, came with it).
   */
  failure(error: unknown, category?: Exclude<Category, 'none'>): Verdict {
    if (category === undefined) return this.settle({ kind: 'error', error });
    if (this.#verdict !== undefined)
      return this.#verdict === released ? failureVerdict(category) : this.#verdict;
    const verdict = failureVerdict(category);
    this.#verdict = verdict;
    this.#host.settle(this, verdict);
    return verdict;
  }

  /** Gives the permit back without recording anything, as for a call the caller aborted. */
  release(): void {
    if (this.#verdict !== undefined) return;
    this.#verdict = released;
    this.#host.settle(this, undefined);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
