import { type Clock, setTimeoutWith, systemClock } from './Clock.ts';
import { abortMeaning } from './classify/errorTraits.ts';
import { type DeadlineLane, deadlineLane, type LaneMember } from './deadlineLanes.ts';
import { TimeoutError } from './errors/TimeoutError.ts';

/**
 * How a deadline ends a call:
 * - `aggressive`: the returned promise rejects with {@link TimeoutError} at the deadline, and
 *   the call's signal aborts, whether or not the call listens;
 * - `cooperative`: only the signal aborts; the promise settles when the call does.
 */
export type DeadlineMode = 'aggressive' | 'cooperative';

/**
 * Runs `fn` with a signal that aborts when `timeoutMs` passes (reason: a {@link TimeoutError})
 * or when `callerSignal` aborts (reason: the caller's). This is the one deadline primitive of
 * Breakwater: the timeout policy and the HTTP adapters' `timeoutMs` both use it, so both fail
 * with the same `TimeoutError` and leave no timer behind once the call settles. An infinite
 * `timeoutMs` sets no timer (the caller's signal alone).
 *
 * A caller's abort always rejects at once with the caller's reason. `fn` may return a plain value
 * instead of a promise.
 */
export function runWithDeadline<T>(
  fn: (signal: AbortSignal) => PromiseLike<T> | T,
  timeoutMs: number,
  clock: Clock,
  callerSignal: AbortSignal | undefined,
  mode: DeadlineMode = 'aggressive',
): Promise<T> {
  if (callerSignal?.aborted) return Promise.reject(callerSignal.reason);
  return new DeadlineCall<T>(
    clock,
    timeoutMs,
    callerSignal,
    mode,
    undefined,
    undefined,
    undefined,
  ).run(fn);
}

/**
 * One call under a deadline. A class rather than closures: the breaker's closed path with a
 * timeout runs one of these per call, and each closure saved is measurable (see bench/).
 * `onValue` / `onError` let the breaker record the outcome inside the same promise reaction
 * instead of chaining a second `.then`.
 *
 * @internal
 */
export class DeadlineCall<T> implements LaneMember {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #aggressive: boolean;
  readonly #onValue: ((value: T) => T) | undefined;
  readonly #onError: ((error: unknown) => never) | undefined;
  readonly #onCancel: ((reason: unknown) => never) | undefined;
  readonly #controller = new AbortController();
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #timer: unknown;
  /** The shared lane the deadline waits in (system clock), instead of a timer of its own. */
  #lane: DeadlineLane | undefined = undefined;
  #settled = false;
  /** @internal Lane bookkeeping ({@link LaneMember}). */
  deadlineAt = 0;
  /** @internal */
  prev: LaneMember | undefined = undefined;
  /** @internal */
  next: LaneMember | undefined = undefined;

  constructor(
    clock: Clock,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    mode: DeadlineMode,
    onValue: ((value: T) => T) | undefined,
    onError: ((error: unknown) => never) | undefined,
    onCancel: ((reason: unknown) => never) | undefined,
  ) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#callerSignal = callerSignal;
    this.#aggressive = mode === 'aggressive';
    this.#onValue = onValue;
    this.#onError = onError;
    this.#onCancel = onCancel;
  }

  run(fn: (signal: AbortSignal) => PromiseLike<T> | T): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (Number.isFinite(this.#timeoutMs)) {
      const lane = this.#clock === systemClock ? deadlineLane(this.#timeoutMs) : undefined;
      if (lane !== undefined) {
        this.#lane = lane;
        lane.add(this);
      } else {
        this.#timer = setTimeoutWith<DeadlineCall<T>>(this.#clock, expire, this.#timeoutMs, this);
      }
    }
    // The call object is the listener (`handleEvent`), so no closure is made for it.
    this.#callerSignal?.addEventListener('abort', this);
    try {
      const pending = fn(this.#controller.signal);
      if (isThenable(pending)) {
        pending.then(
          (value) => this.#settle(true, value),
          (error: unknown) => this.#settle(false, error),
        );
      } else {
        // A synchronous action: it finished before any deadline could pass.
        this.#settle(true, pending);
      }
    } catch (error) {
      // Thrown by the action, or by a hostile result's `then` getter.
      this.#settle(false, error);
    }
    return promise;
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    if (this.#settled) return;
    const signal = this.#callerSignal!;
    const reason = signal.reason;
    this.#controller.abort(reason);
    // The one abort rule: `AbortSignal.timeout()` is a timeout failure, any other abort a
    // cancellation (onCancel, which counts nothing).
    this.#settle(false, reason, abortMeaning(reason, signal) === 'cancelled');
  }

  /** @internal The deadline passed; called by the timer. */
  expire(): void {
    this.#timer = undefined;
    this.#lane = undefined;
    if (this.#settled) return;
    const error = new TimeoutError(this.#timeoutMs);
    this.#controller.abort(error);
    if (this.#aggressive) this.#settle(false, error);
  }

  #settle(ok: boolean, result: unknown, cancelled = false): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#lane !== undefined) {
      this.#lane.remove(this);
      this.#lane = undefined;
    } else if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
    }
    this.#callerSignal?.removeEventListener('abort', this);
    try {
      if (ok) {
        this.#resolve!(this.#onValue === undefined ? (result as T) : this.#onValue(result as T));
      } else {
        const handler = cancelled ? this.#onCancel : this.#onError;
        if (handler === undefined) this.#reject!(result);
        else handler(result);
      }
    } catch (error) {
      this.#reject!(error);
    }
  }
}

function isThenable<T>(value: PromiseLike<T> | T): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/** One shared timer callback for every deadline: no closure per call. */
function expire<T>(call: DeadlineCall<T>): void {
  call.expire();
}
