import { normalizeVerdict } from './classify/verdicts.ts';
import type { CallContext, Outcome, Verdict } from './Outcome.ts';

/** What a permit needs from its breaker. Not part of the public API. */
export interface PermitHost {
  classify(outcome: Outcome, context: CallContext | undefined): Verdict;
  settle(permit: Permit, verdict: Verdict | undefined): void;
}

const released: unique symbol = Symbol('released');

/**
 * The right to make one call through a breaker, returned by `tryAcquire()` / `acquire()`.
 * Settle it exactly once: `settle(outcome)` with what the call produced (the breaker classifies
 * it), `settle(verdict)` with a verdict reached elsewhere (`success()`, `failure('network')`),
 * or `release()` when the call should not count (the caller aborted).
 *
 * Settling twice is a no-op the second time. A permit nobody settles is released by
 * `[Symbol.dispose]` (so `using permit = breaker.acquire()` is safe) and by `breaker.dispose()`;
 * a half-open probe that is never settled counts as failed after `halfOpen.probeTimeoutMs`. An
 * outcome settled after the breaker changed state still counts in the closed window; only a
 * probe of the current half-open period decides that period.
 *
 * @example
 * ```ts
 * const permit = breaker.tryAcquire({ method: 'GET' });
 * if (isBreakerOpenError(permit)) throw permit;
 * try {
 *   const response = await fetch(url);
 *   permit.settle(responseOutcome(response.status, response.headers));
 * } catch (error) {
 *   permit.settle({ kind: 'error', error });
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
   * Records the call: an {@link Outcome} is classified by the breaker's rules, a {@link Verdict}
   * (`success()`, `failure('network')`) is recorded as it is. Returns the verdict; a second
   * settlement returns the first verdict and records nothing.
   * @throws BreakwaterConfigError when `result` is neither an outcome nor a valid verdict (an
   * unknown category, a `retryAfterMs` that is not a number >= 0)
   */
  settle(result: Outcome | Verdict): Verdict {
    const verdict = isOutcome(result)
      ? this.#host.classify(result, this.context)
      : normalizeVerdict('settle(verdict)', result);
    if (this.#verdict === released) return verdict;
    if (this.#verdict !== undefined) return this.#verdict;
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

  /** `using permit = breaker.acquire()`: releases the permit if nothing settled it. */
  [Symbol.dispose](): void {
    this.release();
  }
}

function isOutcome(result: Outcome | Verdict): result is Outcome {
  const kind = (result as Partial<Outcome> | null)?.kind;
  return kind === 'response' || kind === 'error';
}
