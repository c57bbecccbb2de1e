import { nextDelayMs } from '../backoff/nextDelayMs.ts';
import type { Clock } from '../Clock.ts';
import { Emitter, reportCallbackError } from '../events/Emitter.ts';
import type { Category, Outcome } from '../Outcome.ts';
import type { Action, ExecuteOptions } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';
import {
  defaultBackoff,
  type GiveUpReason,
  type ResolvedRetryPolicyOptions,
  type RetryPolicyEvents,
  type RetryPolicyOptions,
  resolveRetryPolicyOptions,
} from './resolveRetryPolicyOptions.ts';

export type { RetryPolicyOptions } from './resolveRetryPolicyOptions.ts';

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
