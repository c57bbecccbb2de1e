import { exponentialBackoff } from '../backoff/exponentialBackoff.ts';
import type { Backoff } from '../backoff/types.ts';
import { type Clock, systemClock } from '../Clock.ts';
import { type Classifier, createClassifier } from '../classify/createClassifier.ts';
import type { ClassifierRule } from '../classify/rules.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import {
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
  /** The shared `RetryBudget` had no retry left. */
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
 * The events of a `RetryPolicy`. Payloads carry categories and counts only, never the
 * error, which may hold a URL or headers.
 */
export interface RetryPolicyEvents {
  retry: RetryEvent;
  giveUp: GiveUpEvent;
  retryBudgetExhausted: RetryBudgetExhaustedEvent;
}

/** The validated, frozen form of {@link RetryPolicyOptions}. */
export interface ResolvedRetryPolicyOptions {
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

/** Validates {@link RetryPolicyOptions} once, at construction. */
export function resolveRetryPolicyOptions(options: RetryPolicyOptions): ResolvedRetryPolicyOptions {
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
  const onListenerError =
    options.onListenerError === undefined
      ? rethrowInMicrotask
      : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError);
  return Object.freeze({
    maxAttempts: expectInteger('maxAttempts', options.maxAttempts ?? 3, 1, Infinity),
    maxElapsedMs: expectNumber('maxElapsedMs', options.maxElapsedMs ?? Infinity, 0, Infinity, true),
    backoff: options.backoff ?? defaultBackoff,
    maxDelayMs: expectNumber('maxDelayMs', options.maxDelayMs ?? 30_000, 0, Infinity, true),
    classify: createClassifier(options.classify, {
      onRuleError: (error, index) =>
        reportCallbackError(onListenerError, error, `classify[${index}]`),
    }),
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
    onListenerError,
    random: () => clock.random(),
  });
}

/** The retry delays when none is given, and in place of a custom backoff's invalid delay. */
export const defaultBackoff = exponentialBackoff({
  initialMs: 200,
  maxMs: 10_000,
  jitter: 'equal',
});

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
