import { exponentialBackoff } from '../backoff/exponentialBackoff.ts';
import { nextDelayMs } from '../backoff/nextDelayMs.ts';
import type { Backoff } from '../backoff/types.ts';
import { type Clock, systemClock } from '../Clock.ts';
import { type Classifier, createClassifier } from '../classify/createClassifier.ts';
import type { ClassifierRule } from '../classify/rules.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import {
  Emitter,
  type ListenerErrorHandler,
  reportCallbackError,
  rethrowInMicrotask,
} from '../events/Emitter.ts';
import type { Category, Outcome, Verdict } from '../Outcome.ts';
import {
  expectBoolean,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import type { Action, ExecuteOptions } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';
import type { RetryBudget } from './RetryBudget.ts';

/** Options for {@link RetryPolicy}. */
export interface RetryPolicyOptions {
  /**
   * Attempts in total, the first included: `3` means at most two retries. `Infinity` leaves the
   * limit to `maxElapsedMs`.
   * @defaultValue `3`
   */
  maxAttempts?: number;
  /**
   * Gives up instead of waiting when the wait would end more than this long after the first
   * attempt started.
   * @defaultValue `Infinity`
   */
  maxElapsedMs?: number;
  /**
   * The delay before each retry; `delayMs(0, …)` is the delay before the first retry.
   * @defaultValue `exponentialBackoff({ initialMs: 200, maxMs: 10_000, jitter: 'equal' })`:
   * 100–200 ms, 200–400 ms, 400–800 ms…
   */
  backoff?: Backoff;
  /**
   * The longest wait before one retry. A longer backoff delay is cut to it; a server asking to
   * wait longer (its `retryAfterMs`) makes the policy give up at once rather than hold the
   * caller.
   * @defaultValue `30000`
   */
  maxDelayMs?: number;
  /**
   * Classification rules tried before the default classifier (see `createClassifier`); only
   * failures are retried. Pass the breaker's rules so both read outcomes alike.
   * @defaultValue `[]`: the default classifier alone
   */
  classify?: ClassifierRule | readonly ClassifierRule[];
  /**
   * Turns a resolved value into an outcome to classify, for clients that resolve on HTTP errors
   * (`fetch` resolves a 503): return an outcome to classify it, or `undefined` for a success. A
   * value still failing after the last attempt is returned, not thrown. The policy neither reads
   * nor cancels the bodies of responses it retries past.
   * @defaultValue every resolved value is a success
   * @example `classifyResult: (r) => r instanceof Response ? responseOutcome(r) : undefined`
   */
  classifyResult?: (value: unknown) => Outcome | undefined;
  /**
   * Decides whether a verdict is worth retrying, replacing the default test (`verdict ===
   * 'failure'`). It cannot override the rules that keep retries safe: rejections (an open
   * breaker), cancellations, `uncertainEffect` and non-idempotent calls are never retried.
   * @defaultValue retries failures only
   */
  retryOn?: (verdict: Verdict, outcome: Outcome, attempt: number) => boolean;
  /**
   * Retries calls whose `context.idempotent` is unknown (`undefined`). By default only calls
   * known to be idempotent are retried, so an order is never placed twice by accident; set it
   * for actions that are safe to repeat and carry no context. `idempotent: false` is never
   * retried.
   * @defaultValue `false`
   */
  retryUnknownIdempotency?: boolean;
  /**
   * A budget that caps retries to a share of recent calls; share one across policies that call
   * the same dependency.
   * @defaultValue no budget
   */
  budget?: RetryBudget;
  /**
   * Where time, timers and randomness (jitter) come from.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Gets errors thrown by your code the policy calls: event listeners (the event's name) and a
   * custom `backoff` (`backoff`; an invalid delay falls back to the default backoff's).
   * @defaultValue rethrown in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** Why a retry policy stopped retrying a failure. */
export type GiveUpReason =
  /** `maxAttempts` were made. */
  | 'maxAttempts'
  /** The next wait would have ended after `maxElapsedMs`. */
  | 'maxElapsed'
  /** The server asked to wait longer than `maxDelayMs`. */
  | 'retryAfterTooLong'
  /** The shared {@link RetryBudget} had no retry left. */
  | 'budgetExhausted'
  /** The call is not known to be idempotent. */
  | 'notIdempotent'
  /** The failure may have taken effect (`uncertainEffect`). */
  | 'uncertainEffect'
  /** Another policy rejected the call (an open breaker, a full bulkhead, a rate limiter). */
  | 'rejected'
  /** The caller aborted, during an attempt or a wait. */
  | 'aborted';

/** Payload of the `retry` event: a failed attempt is about to be retried. */
export interface RetryEvent {
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;
  /** How long the policy waits before the next attempt. */
  readonly delayMs: number;
  readonly category: Category;
  /** What the server asked to wait, when it did. */
  readonly retryAfterMs?: number;
  /** The call's breaker key, when its context has one. */
  readonly key?: string;
}

/** Payload of the `giveUp` event: a failure was returned to the caller without a retry. */
export interface GiveUpEvent {
  /** Attempts made, the first included. */
  readonly attempts: number;
  readonly reason: GiveUpReason;
  /** The category of the last outcome. */
  readonly category: Category;
  readonly key?: string;
}

/** Payload of the `retryBudgetExhausted` event, emitted before the `giveUp` it causes. */
export interface RetryBudgetExhaustedEvent {
  readonly attempts: number;
  readonly category: Category;
  readonly key?: string;
}

/**
 * The events of a {@link RetryPolicy}. Payloads carry categories and counts only, never the
 * error, which may hold a URL or headers.
 */
export interface RetryPolicyEvents {
  retry: RetryEvent;
  giveUp: GiveUpEvent;
  retryBudgetExhausted: RetryBudgetExhaustedEvent;
}

/** The validated, frozen form of {@link RetryPolicyOptions}. Not part of the public API. */
interface ResolvedRetryPolicyOptions {
  readonly maxAttempts: number;
  readonly maxElapsedMs: number;
  readonly backoff: Backoff;
  readonly maxDelayMs: number;
  readonly classify: Classifier;
  readonly classifyResult: ((value: unknown) => Outcome | undefined) | undefined;
  readonly retryOn: ((verdict: Verdict, outcome: Outcome, attempt: number) => boolean) | undefined;
  readonly retryUnknownIdempotency: boolean;
  readonly budget: RetryBudget | undefined;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler;
  /** `clock.random`, bound once for the backoff. */
  readonly random: () => number;
}

const known: KnownKeys<RetryPolicyOptions> = {
  maxAttempts: true,
  maxElapsedMs: true,
  backoff: true,
  maxDelayMs: true,
  classify: true,
  classifyResult: true,
  retryOn: true,
  retryUnknownIdempotency: true,
  budget: true,
  clock: true,
  onListenerError: true,
};

/**
 * Retries failed calls with a backoff, safely: only transient failures (the classifier's
 * `failure` verdicts) of calls known to be idempotent are retried, never a rejection by an open
 * breaker, a cancellation or a failure with an uncertain effect. A server's Retry-After is
 * honoured (or, above `maxDelayMs`, ends the retries), a {@link RetryBudget} caps what a fleet
 * adds to an outage, and the caller's signal aborts at any point, waits included. The wait before
 * a retry is at least the server's Retry-After, which is exactly how long a breaker that opened
 * on it stays open: the retry then finds it ready to probe.
 *
 * Each attempt receives the caller's signal. The policy sets no deadline of its own: put a
 * `timeout()` policy or a breaker with `timeoutMs` inside it, and a timed-out attempt is retried
 * like any `timeout` failure. `ExecuteOptions.timeoutMs` is left to them (a pipeline passes it
 * to every member), so it bounds each attempt, never the retries as a whole: that is
 * `maxElapsedMs`.
 *
 * @example
 * ```ts
 * const policy = retry({ maxAttempts: 4, backoff: exponentialBackoff({ initialMs: 100 }) });
 * policy.on('retry', ({ attempt, delayMs, category }) => log(attempt, delayMs, category));
 * const quote = await policy.execute((signal) => getQuote(signal), {
 *   context: { idempotent: true },
 * });
 * ```
 */
export class RetryPolicy extends PolicyBase<RetryPolicyEvents> {
  readonly #options: ResolvedRetryPolicyOptions;

  /** @throws BreakwaterConfigError on an invalid option */

  constructor(options: RetryPolicyOptions = {}) {
    const resolved = resolveRetryPolicyOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
  }

  /**
   * Runs `fn`, retrying its failures as configured.
   * @returns what the first successful attempt returned (or, with `classifyResult`, the last
   * attempt's value when it was not retried)
   * @throws the last attempt's error when it is not retried; the caller's `signal.reason` when it
   * aborts during a wait
   */
  async execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T> {
    const o = this.#options;
    const signal = options?.signal;
    const context = options?.context;
    if (signal?.aborted) throw signal.reason;
    const startedAt = o.maxElapsedMs === Infinity ? 0 : o.clock.monotonic();
    o.budget?.deposit();
    let previousDelayMs = 0;
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome | undefined;
      let value: T | undefined;
      try {
        value = await fn(signal);
        if (o.classifyResult === undefined) return value;
        outcome = o.classifyResult(value);
        if (outcome === undefined) return value;
      } catch (error) {
        outcome = { kind: 'error', error };
      }
      const stop = (reason: GiveUpReason | undefined, category: Category): T => {
        if (reason !== undefined && this.emitter.has('giveUp')) {
          this.emitter.emit('giveUp', { attempts: attempt, reason, category, key: context?.key });
        }
        if (outcome.kind === 'error') throw outcome.error;
        return value as T;
      };
      if (signal?.aborted) return stop('aborted', 'cancelled');
      const verdict = o.classify(outcome, context, o.clock.now());
      const { category } = verdict;
      if (category === 'rejected') return stop('rejected', category);
      if (category === 'cancelled') return stop(undefined, category);
      const retryable = o.retryOn
        ? o.retryOn(verdict, outcome, attempt)
        : verdict.verdict === 'failure';
      if (!retryable) return stop(undefined, category);
      if (verdict.uncertainEffect === true) return stop('uncertainEffect', category);
      const idempotent = context?.idempotent ?? (o.retryUnknownIdempotency ? true : undefined);
      if (idempotent !== true) return stop('notIdempotent', category);
      if (attempt >= o.maxAttempts) return stop('maxAttempts', category);
      const retryAfterMs = verdict.retryAfterMs;
      // An infinite Retry-After (a ban without an end) can never be waited out.
      if (
        retryAfterMs !== undefined &&
        (retryAfterMs > o.maxDelayMs || retryAfterMs === Infinity)
      ) {
        return stop('retryAfterTooLong', category);
      }
      const backoffMs = nextDelayMs(
        o.backoff,
        attempt - 1,
        previousDelayMs,
        o.random,
        defaultBackoff,
        'backoff',
        this.#reportCallbackError,
      );
      previousDelayMs = backoffMs;
      // The server's wait is the floor: a breaker that opened on the same Retry-After is ready
      // to probe when it ends.
      const delayMs = Math.max(Math.min(backoffMs, o.maxDelayMs), retryAfterMs ?? 0);
      if (
        o.maxElapsedMs !== Infinity &&
        o.clock.monotonic() - startedAt + delayMs > o.maxElapsedMs
      ) {
        return stop('maxElapsed', category);
      }
      if (o.budget !== undefined && !o.budget.tryWithdraw()) {
        if (this.emitter.has('retryBudgetExhausted')) {
          this.emitter.emit('retryBudgetExhausted', {
            attempts: attempt,
            category,
            key: context?.key,
          });
        }
        return stop('budgetExhausted', category);
      }
      if (this.emitter.has('retry')) {
        this.emitter.emit('retry', { attempt, delayMs, category, retryAfterMs, key: context?.key });
      }
      try {
        await sleep(o.clock, delayMs, signal);
      } catch (reason) {
        if (this.emitter.has('giveUp')) {
          this.emitter.emit('giveUp', {
            attempts: attempt,
            reason: 'aborted',
            category: 'cancelled',
            key: context?.key,
          });
        }
        throw reason;
      }
    }
  }

  /** The one route of errors from user code the policy calls (listeners, a custom backoff). */
  readonly #reportCallbackError = (error: unknown, source: string): void =>
    reportCallbackError(this.#options.onListenerError, error, source);
}

/**
 * Creates a {@link RetryPolicy}.
 * @throws BreakwaterConfigError on an invalid option
 * @example `const policy = retry({ maxAttempts: 5, retryUnknownIdempotency: true });`
 */
export function retry(options: RetryPolicyOptions = {}): RetryPolicy {
  return new RetryPolicy(options);
}

/** Validates {@link RetryPolicyOptions} once, at construction. */
function resolveRetryPolicyOptions(options: RetryPolicyOptions): ResolvedRetryPolicyOptions {
  // Checked through a copy typed unknown: the assertion would narrow `options` itself.
  const input: unknown = options;
  expectObject('RetryPolicy options', input);
  rejectUnknownKeys('', input, known);
  const clock = options.clock ?? systemClock;
  if (options.backoff !== undefined && !isBackoff(options.backoff)) {
    throw new BreakwaterConfigError(
      'backoff',
      'a Backoff such as exponentialBackoff()',
      options.backoff,
    );
  }
  // Duck-typed, so a budget from another copy of the core works too.
  if (options.budget !== undefined && !isBudget(options.budget)) {
    throw new BreakwaterConfigError('budget', 'a RetryBudget', options.budget);
  }
  return Object.freeze({
    maxAttempts: expectInteger('maxAttempts', options.maxAttempts ?? 3, 1, Infinity),
    maxElapsedMs: expectNumber('maxElapsedMs', options.maxElapsedMs ?? Infinity, 0, Infinity, true),
    backoff: options.backoff ?? defaultBackoff,
    maxDelayMs: expectNumber('maxDelayMs', options.maxDelayMs ?? 30_000, 0, Infinity, true),
    classify: createClassifier(options.classify),
    classifyResult:
      options.classifyResult === undefined
        ? undefined
        : expectFunction<(value: unknown) => Outcome | undefined>(
            'classifyResult',
            options.classifyResult,
          ),
    retryOn:
      options.retryOn === undefined
        ? undefined
        : expectFunction<(verdict: Verdict, outcome: Outcome, attempt: number) => boolean>(
            'retryOn',
            options.retryOn,
          ),
    retryUnknownIdempotency: expectBoolean(
      'retryUnknownIdempotency',
      options.retryUnknownIdempotency ?? false,
    ),
    budget: options.budget,
    clock,
    onListenerError:
      options.onListenerError === undefined
        ? rethrowInMicrotask
        : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError),
    random: () => clock.random(),
  });
}

const defaultBackoff = exponentialBackoff({ initialMs: 200, maxMs: 10_000, jitter: 'equal' });

function isBudget(value: unknown): value is RetryBudget {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RetryBudget).deposit === 'function' &&
    typeof (value as RetryBudget).tryWithdraw === 'function'
  );
}

function isBackoff(value: unknown): value is Backoff {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Backoff).delayMs === 'function' &&
    typeof (value as Backoff).describe === 'function'
  );
}

/**
 * Waits `ms` on the clock; rejects with the signal's reason as soon as it aborts, clearing the
 * timer so nothing is left behind.
 */
function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
