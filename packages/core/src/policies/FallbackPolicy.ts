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
import type { CallContext, Category, Verdict } from '../Outcome.ts';
import {
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import type { Action, ExecuteOptions } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';

/** Options for {@link FallbackPolicy}. Give `value`, `fn`, `staleIfError`, or stale plus one. */
export interface FallbackPolicyOptions {
  /**
   * Returned instead of a handled failure; it stands in for the call's result, so give it the
   * type the calls resolve to. Exclusive with `fn`.
   * @defaultValue none
   */
  value?: unknown;
  /**
   * Called with a handled failure and its verdict; what it returns (or resolves to) is returned
   * instead. What it throws is what the caller gets. Exclusive with `value`.
   * @defaultValue none
   */
  fn?: (error: unknown, verdict: Verdict) => unknown;
  /**
   * Which failures the fallback replaces. A caller's own abort is never replaced.
   * @defaultValue failures (`verdict === 'failure'`) and rejections (`category === 'rejected'`:
   * an open breaker, a full bulkhead), but not ignored errors such as a 404 or a cancellation
   */
  handles?: (verdict: Verdict, error: unknown) => boolean;
  /**
   * Serves the last good result of the same key, when it is recent enough, before `value` or
   * `fn` (which then only apply when there is none).
   * @defaultValue off
   */
  staleIfError?: StaleIfErrorOptions;
  /**
   * Classification rules tried before the default classifier (see `createClassifier`), for the
   * verdict `handles` and `fn` receive.
   * @defaultValue `[]`: the default classifier alone
   */
  classify?: ClassifierRule | readonly ClassifierRule[];
  /**
   * Where time comes from (the age of stale results).
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Gets errors thrown by event listeners.
   * @defaultValue rethrown in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** How {@link FallbackPolicy} keeps and serves stale results (after RFC 5861's stale-if-error). */
export interface StaleIfErrorOptions {
  /** The oldest result that may be served, in milliseconds since it was received. */
  maxAgeMs: number;
  /**
   * The key a call's result is kept under. Required: calls that share a key serve each other's
   * results, so the key must tell apart every call whose result differs (endpoint and
   * parameters, not only the origin).
   * @example `key: (context) => context?.endpoint ?? 'ticker'`
   */
  key: (context: CallContext | undefined) => string;
  /**
   * Results kept at most; the least recently stored is dropped first.
   * @defaultValue `1000`
   */
  maxEntries?: number;
}

/** Payload of the `fallback` event. */
export interface FallbackEvent {
  /** `stale`: a kept result was served; `value`: the `value` or `fn` was. */
  readonly reason: 'value' | 'stale';
  /** The category of the failure that was replaced. */
  readonly category: Category;
  /** How old the stale result was, in milliseconds, when `reason` is `stale`. */
  readonly ageMs?: number;
  /** The call's breaker key, when its context has one. */
  readonly key?: string;
}

/** The events of a {@link FallbackPolicy}; payloads never carry the error. */
export interface FallbackPolicyEvents {
  fallback: FallbackEvent;
}

interface ResolvedStaleIfErrorOptions {
  readonly maxAgeMs: number;
  readonly key: (context: CallContext | undefined) => string;
  readonly maxEntries: number;
}

/** The validated, frozen form of {@link FallbackPolicyOptions}. Not part of the public API. */
interface ResolvedFallbackPolicyOptions {
  readonly hasValue: boolean;
  readonly value: unknown;
  readonly fn: ((error: unknown, verdict: Verdict) => unknown) | undefined;
  readonly handles: (verdict: Verdict, error: unknown) => boolean;
  readonly stale: ResolvedStaleIfErrorOptions | undefined;
  readonly classify: Classifier;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler;
}

interface StaleEntry {
  readonly value: unknown;
  readonly at: number;
}

const known: KnownKeys<FallbackPolicyOptions> = {
  value: true,
  fn: true,
  handles: true,
  staleIfError: true,
  classify: true,
  clock: true,
  onListenerError: true,
};

const knownStale: KnownKeys<StaleIfErrorOptions> = { maxAgeMs: true, key: true, maxEntries: true };

/**
 * Replaces a failed call's error with a value: a fixed `value`, what `fn` computes from the
 * error and its verdict, or (with `staleIfError`) the last good result of the same key while it
 * is younger than `maxAgeMs`. By default it handles failures and rejections (an open breaker),
 * never a client error the classifier ignores, nor a caller's abort.
 *
 * Put it outermost, so it also covers rejections by the policies inside it. The fallback stands
 * in for the call's result, and `execute()` is typed by the call: give a `value` (or an `fn`
 * result) of the type the calls resolve to.
 *
 * @throws BreakwaterConfigError on an invalid option, or when none of `value`, `fn` and
 * `staleIfError` is given
 * @example
 * ```ts
 * const prices = fallback({
 *   staleIfError: { maxAgeMs: 60_000, key: (context) => context?.endpoint ?? 'ticker' },
 *   fn: () => ({ price: undefined, stale: true }),
 * });
 * const ticker = await prices.execute(() => getTicker(), { context: { endpoint: 'ticker' } });
 * ```
 */
export class FallbackPolicy extends PolicyBase<FallbackPolicyEvents> {
  readonly #options: ResolvedFallbackPolicyOptions;
  /** Insertion order is recency: a stored result moves to the end. */
  readonly #stale = new Map<string, StaleEntry>();

  constructor(options: FallbackPolicyOptions) {
    const resolved = resolveFallbackPolicyOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
  }

  /**
   * Runs `fn`; on a handled failure returns the fallback instead. The policy sets no deadline:
   * `ExecuteOptions.timeoutMs` is left to a `timeout()` policy or breaker inside it (a pipeline
   * passes it to every member), whose `TimeoutError` is then handled like any failure.
   * @throws the call's error when it is not handled or no fallback applies (a stale result is
   * missing or too old and there is no `value` or `fn`); what `fn` throws
   */
  async execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T> {
    const o = this.#options;
    const signal = options?.signal;
    const context = options?.context;
    if (signal?.aborted) throw signal.reason;
    try {
      const value = await fn(signal);
      if (o.stale !== undefined) this.#store(o.stale, o.stale.key(context), value);
      return value;
    } catch (error) {
      if (signal?.aborted) throw error;
      const verdict = o.classify({ kind: 'error', error }, context, o.clock.now());
      if (!o.handles(verdict, error)) throw error;
      if (o.stale !== undefined) {
        const entry = this.#fresh(o.stale, o.stale.key(context));
        if (entry !== undefined) {
          if (this.emitter.has('fallback')) {
            const ageMs = o.clock.monotonic() - entry.at;
            this.emitter.emit('fallback', {
              reason: 'stale',
              category: verdict.category,
              ageMs,
              key: context?.key,
            });
          }
          return entry.value as T;
        }
      }
      if (o.fn === undefined && !o.hasValue) throw error;
      if (this.emitter.has('fallback')) {
        this.emitter.emit('fallback', {
          reason: 'value',
          category: verdict.category,
          key: context?.key,
        });
      }
      return (o.fn === undefined ? o.value : await o.fn(error, verdict)) as T;
    }
  }

  #store(stale: ResolvedStaleIfErrorOptions, key: string, value: unknown): void {
    this.#stale.delete(key);
    this.#stale.set(key, { value, at: this.#options.clock.monotonic() });
    if (this.#stale.size > stale.maxEntries) {
      const oldest = this.#stale.keys().next();
      if (!oldest.done) this.#stale.delete(oldest.value);
    }
  }

  #fresh(stale: ResolvedStaleIfErrorOptions, key: string): StaleEntry | undefined {
    const entry = this.#stale.get(key);
    if (entry === undefined) return undefined;
    if (this.#options.clock.monotonic() - entry.at > stale.maxAgeMs) {
      this.#stale.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * Creates a {@link FallbackPolicy}.
 * @throws BreakwaterConfigError on an invalid option
 * @example `const policy = fallback({ value: [] });`
 */
export function fallback(options: FallbackPolicyOptions): FallbackPolicy {
  return new FallbackPolicy(options);
}

function handlesFailuresAndRejections(verdict: Verdict): boolean {
  return verdict.verdict === 'failure' || verdict.category === 'rejected';
}

/** Validates {@link FallbackPolicyOptions} once, at construction. */
function resolveFallbackPolicyOptions(
  options: FallbackPolicyOptions,
): ResolvedFallbackPolicyOptions {
  // Checked through a copy typed unknown: the assertion would narrow `options` itself.
  const input: unknown = options;
  expectObject('FallbackPolicy options', input);
  rejectUnknownKeys('', input, known);
  const hasValue = Object.hasOwn(options, 'value');
  if (hasValue && options.fn !== undefined) {
    throw new BreakwaterConfigError('fn', 'either `value` or `fn`, not both', options.fn);
  }
  if (!hasValue && options.fn === undefined && options.staleIfError === undefined) {
    throw new BreakwaterConfigError(
      'value',
      'one of `value`, `fn` or `staleIfError`',
      options.value,
    );
  }
  const onListenerError =
    options.onListenerError === undefined
      ? rethrowInMicrotask
      : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError);
  return Object.freeze({
    hasValue,
    value: options.value,
    fn:
      options.fn === undefined
        ? undefined
        : expectFunction<(error: unknown, verdict: Verdict) => unknown>('fn', options.fn),
    handles:
      options.handles === undefined
        ? handlesFailuresAndRejections
        : expectFunction<(verdict: Verdict, error: unknown) => boolean>('handles', options.handles),
    stale:
      options.staleIfError === undefined ? undefined : resolveStaleOptions(options.staleIfError),
    classify: createClassifier(options.classify, {
      onRuleError: (error, index) =>
        reportCallbackError(onListenerError, error, `classify[${index}]`),
    }),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    onListenerError,
  });
}

function resolveStaleOptions(options: StaleIfErrorOptions): ResolvedStaleIfErrorOptions {
  const input: unknown = options;
  expectObject('staleIfError', input);
  rejectUnknownKeys('staleIfError', input, knownStale);
  return Object.freeze({
    maxAgeMs: expectNumber('staleIfError.maxAgeMs', options.maxAgeMs, 0, Infinity, true),
    key: expectFunction<(context: CallContext | undefined) => string>(
      'staleIfError.key',
      options.key,
    ),
    maxEntries: expectInteger('staleIfError.maxEntries', options.maxEntries ?? 1000, 1),
  });
}
