import { type Clock, systemClock } from '../Clock.ts';
import { DeadlineCall, type DeadlineMode, runWithDeadline } from '../deadline.ts';
import { hasBreakwaterCode } from '../errors/BreakwaterError.ts';
import { Emitter, type ListenerErrorHandler } from '../events/Emitter.ts';
import type { CallContext } from '../Outcome.ts';
import {
  expectClock,
  expectFunction,
  expectObject,
  expectOneOf,
  expectTimeoutMs,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import type { Action, ExecuteOptions } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';

/** {@link ExecuteOptions} plus the call's own deadline. */
export interface TimeoutExecuteOptions extends ExecuteOptions {
  /**
   * A deadline for this call, in milliseconds (1 to 2^31 - 1, or `Infinity` for none).
   * @defaultValue the policy's `timeoutMs`
   */
  readonly timeoutMs?: number;
}

/** Options for {@link TimeoutPolicy}. */
export interface TimeoutPolicyOptions {
  /**
   * The deadline of each call, in milliseconds (1 to 2^31 - 1, or `Infinity` for none); a
   * call's own `timeoutMs` overrides it.
   */
  timeoutMs: number;
  /**
   * `aggressive` rejects with `TimeoutError` at the deadline and aborts the call's signal;
   * `cooperative` only aborts the signal and lets the call settle on its own.
   * @defaultValue `'aggressive'`
   */
  mode?: DeadlineMode;
  /**
   * Source of timers.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by event listeners.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** The validated, frozen form of {@link TimeoutPolicyOptions}. */
export interface ResolvedTimeoutPolicyOptions {
  readonly timeoutMs: number;
  readonly mode: DeadlineMode;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler | undefined;
}

/** Payload of the timeout policy's `timeout` event: a call's deadline passed. */
export interface DeadlineEvent {
  readonly timeoutMs: number;
  readonly mode: DeadlineMode;
  readonly context: CallContext | undefined;
}

/** Events of a {@link TimeoutPolicy}. */
export interface TimeoutPolicyEvents {
  timeout: DeadlineEvent;
}

const known: KnownKeys<TimeoutPolicyOptions> = {
  timeoutMs: true,
  mode: true,
  clock: true,
  onListenerError: true,
};

const modes: readonly DeadlineMode[] = ['aggressive', 'cooperative'];

/**
 * Validates {@link TimeoutPolicyOptions} once.
 * @throws BreakwaterConfigError on a missing, invalid or unknown option
 */
export function resolveTimeoutPolicyOptions(
  options: TimeoutPolicyOptions,
): ResolvedTimeoutPolicyOptions {
  expectObject('timeout options', options);
  rejectUnknownKeys('', options, known);
  return Object.freeze({
    timeoutMs: expectTimeoutMs('timeoutMs', options.timeoutMs),
    mode: expectOneOf('mode', options.mode ?? 'aggressive', modes),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    onListenerError:
      options.onListenerError === undefined
        ? undefined
        : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError),
  });
}

/**
 * Gives each call a deadline: Breakwater's one way to set one. Inside a breaker
 * (`pipeline(breaker, timeout(5_000))`) a deadline that passes is the breaker's `timeout`
 * failure. It uses the same deadline primitive ({@link runWithDeadline}) and the same
 * `TimeoutError` as the HTTP adapters' `timeoutMs`, combines the deadline with the caller's
 * signal, and leaves no timer behind once the call settles.
 *
 * The action receives a signal that aborts at the deadline (reason: a `TimeoutError`) or when the
 * caller's signal aborts (reason: the caller's). In `aggressive` mode the returned promise
 * rejects at the deadline even if the action ignores its signal; in `cooperative` mode it waits
 * for the action to settle. A per-call `timeoutMs` overrides the policy's; `Infinity` disables
 * the deadline for that call.
 *
 * @example
 * ```ts
 * const policy = timeout(2_000);
 * policy.on('timeout', (event) => console.warn(`deadline of ${event.timeoutMs} ms passed`));
 * const time = await policy.execute((signal) => fetch(`${kraken}/0/public/Time`, { signal }));
 * ```
 */
export class TimeoutPolicy extends PolicyBase<TimeoutPolicyEvents, TimeoutExecuteOptions> {
  readonly #options: ResolvedTimeoutPolicyOptions;

  /** @throws BreakwaterConfigError on an invalid option */
  constructor(options: TimeoutPolicyOptions) {
    const resolved = resolveTimeoutPolicyOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
  }

  /** The policy's default deadline, in milliseconds. */
  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /** How the deadline ends a call. */
  get mode(): DeadlineMode {
    return this.#options.mode;
  }

  /**
   * Runs `fn` with a deadline.
   * @throws TimeoutError (as a rejection) in `aggressive` mode when the deadline passes
   * @throws the caller's `signal.reason` (as a rejection) when the caller aborts
   * @throws BreakwaterConfigError (as a rejection) when `options.timeoutMs` is not from 1 to
   * 2^31 - 1 or `Infinity`
   */
  /**
   * @internal The deadline of a breaker fused with this policy in a pipeline
   * (`pipeline(breaker, timeout(ms))`): one `DeadlineCall` whose reactions record the breaker's
   * outcome, instead of a promise chain per layer. `undefined` when the fused path does not
   * apply (a `timeout` listener, no deadline for this call): compose as usual then.
   */
  fuse<T>(
    fn: Action<T>,
    options: TimeoutExecuteOptions | undefined,
    onValue: (value: T) => T,
    onError: (error: unknown) => never,
    onCancel: (reason: unknown) => never,
  ): Promise<T> | undefined {
    if (this.emitter.has('timeout')) return undefined;
    const timeoutMs =
      options?.timeoutMs === undefined
        ? this.#options.timeoutMs
        : checkedTimeout(options.timeoutMs);
    if (timeoutMs === undefined || timeoutMs === Infinity) return undefined;
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { clock, mode } = this.#options;
    return new DeadlineCall<T>(clock, timeoutMs, signal, mode, onValue, onError, onCancel).run(fn);
  }

  execute<T>(fn: Action<T>, options?: TimeoutExecuteOptions): Promise<T> {
    let timeoutMs = this.#options.timeoutMs;
    if (options?.timeoutMs !== undefined) {
      try {
        timeoutMs = expectTimeoutMs('timeoutMs', options.timeoutMs);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const signal = options?.signal;
    if (timeoutMs === Infinity) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      try {
        return Promise.resolve(fn(signal));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const { clock, mode } = this.#options;
    if (!this.emitter.has('timeout')) return runWithDeadline(fn, timeoutMs, clock, signal, mode);
    const context = options?.context;
    return runWithDeadline(
      (deadlineSignal) => {
        deadlineSignal.addEventListener('abort', () => {
          if (hasBreakwaterCode(deadlineSignal.reason, 'BREAKWATER_TIMEOUT')) {
            this.emitter.emit('timeout', { timeoutMs, mode, context });
          }
        });
        return fn(deadlineSignal);
      },
      timeoutMs,
      clock,
      signal,
      mode,
    );
  }
}

/** A per-call `timeoutMs`, or `undefined` when it is invalid (the usual path then rejects). */
function checkedTimeout(timeoutMs: number): number | undefined {
  try {
    return expectTimeoutMs('timeoutMs', timeoutMs);
  } catch {
    return undefined;
  }
}

/**
 * Creates a {@link TimeoutPolicy}: `timeout(2_000)` or `timeout(2_000, { mode: 'cooperative' })`.
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const data = await timeout(2_000).execute((signal) => fetch(url, { signal }));
 * ```
 */
export function timeout(
  timeoutMs: number,
  options: Omit<TimeoutPolicyOptions, 'timeoutMs'> = {},
): TimeoutPolicy {
  expectObject('timeout options', options);
  return new TimeoutPolicy({ ...options, timeoutMs });
}
