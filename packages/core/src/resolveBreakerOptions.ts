import { constantBackoff } from './backoff/constantBackoff.ts';
import { exponentialBackoff } from './backoff/exponentialBackoff.ts';
import type { Backoff } from './backoff/types.ts';
import { type Clock, systemClock } from './Clock.ts';
import { type Classifier, createClassifier } from './classify/createClassifier.ts';
import { defaultClassifier } from './classify/defaultClassifier.ts';
import type { ClassifierRule } from './classify/rules.ts';
import { BreakwaterConfigError } from './errors/BreakwaterConfigError.ts';
import {
  type ListenerErrorHandler,
  reportCallbackError,
  rethrowInMicrotask,
} from './events/Emitter.ts';
import { resolveCached } from './resolvedOptionsCache.ts';
import type { SerializedDurableState } from './store/parseDurableState.ts';
import { toDurableState } from './store/StoreLink.ts';
import type { BreakerStore, DurableState } from './store/types.ts';
import {
  resolveStrategy,
  type StrategyFactory,
  type StrategyOptions,
} from './strategies/resolveStrategy.ts';
import {
  expectBoolean,
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from './validate.ts';

/** Options of the half-open state. */
export interface HalfOpenOptions {
  /**
   * Probes allowed in flight at once while half-open; other calls are rejected.
   * @defaultValue `1`
   */
  maxProbes?: number;
  /**
   * Successful probes needed to close.
   * @defaultValue `1`
   */
  successCount?: number;
  /**
   * A probe still unsettled after this long counts as a failed probe (it was leaked, or hangs),
   * so a breaker can never stay half-open forever.
   * @defaultValue `60000`
   */
  probeTimeoutMs?: number;
}

/** What users pass to `new CircuitBreaker(options)`. Every option is optional. */
export interface BreakerOptions {
  /**
   * The breaker's name: its key in registries, errors, events and metrics. Use an origin or an
   * endpoint group, never a URL with a query or anything secret.
   * @defaultValue `'default'`
   */
  name?: string;
  /**
   * When a closed breaker opens: after `failureCount` failures in a row, or on a failure rate
   * over the last `callCount` calls or the last `windowMs` (`type` is inferred from the keys); or
   * adaptively: `{ type: 'throttle' }` (rejects at random while the dependency accepts fewer
   * calls than it is sent) or `{ type: 'adaptive' }` (a threshold learned from the dependency).
   * @defaultValue `{ failureCount: 5 }`
   * @example `{ failureCount: 5 }`, `{ windowMs: 60_000, failureRate: 0.5, minCalls: 20 }`,
   *   `{ type: 'adaptive', halfLifeMs: 600_000 }`
   */
  strategy?: StrategyOptions;
  /**
   * How long the breaker stays open before a probe, when the failure that opened it carried no
   * server wait (Retry-After): milliseconds, or a `Backoff` indexed by consecutive failed
   * recoveries (reset when the breaker closes).
   * @defaultValue `exponentialBackoff({ initialMs: 10_000, factor: 2, maxMs: 300_000, jitter: 0.1 })`
   */
  openMs?: number | Backoff;
  /**
   * Failed recoveries (probes that failed) after which the breaker stays open until `reset()`.
   * @defaultValue `Infinity`
   */
  maxRecoveryAttempts?: number;
  /**
   * The half-open state.
   * @defaultValue `{ maxProbes: 1, successCount: 1, probeTimeoutMs: 60_000 }`
   */
  halfOpen?: HalfOpenOptions;
  /**
   * Rules tried in order before the default classification (see `createClassifier`).
   * @defaultValue `[]`
   */
  classify?: ClassifierRule | readonly ClassifierRule[];
  /**
   * A failure that carries `retryAfterMs` (429/503 Retry-After, an exchange ban) opens the
   * breaker at once: one 429 must not be followed by four more requests and a ban. Whenever the
   * breaker opens on such a failure, it stays open exactly that long (capped by
   * `maxRetryAfterMs`); `openMs` applies to openings without one.
   * @defaultValue `true`
   */
  openOnRetryAfter?: boolean;
  /**
   * Cap on any server-requested wait, so a garbage header cannot lock a bot out for days. It
   * also caps the open period of a restored or remote state (with the longest `openMs` delay).
   * @defaultValue `3_600_000` (1 h)
   */
  maxRetryAfterMs?: number;
  /**
   * Measure every call's duration even when nothing needs it (for snapshots' latency figures).
   * @defaultValue `false`
   */
  trackLatency?: boolean;
  /**
   * Source of time, timers and randomness.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Receives every error thrown by your code that the breaker calls back, with its source: an
   * event listener (the event's name), a classifier rule (`classify[i]`), an HTTP adapter's
   * `onResponse` hook (`onResponse`), or a custom `openMs` backoff (`openMs`). Such an error
   * never changes the call's result, a transition or what is saved; what this handler throws is
   * rethrown in a microtask.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
  /**
   * State to start from, e.g. `breaker.toJSON()` saved by a previous process.
   * @defaultValue a fresh `closed` breaker
   */
  initialState?: DurableState | SerializedDurableState;
  /**
   * Where to load, save and share the breaker's durable state (see `breaker.ready`).
   * @defaultValue none: the state lives in this process only
   */
  store?: BreakerStore;
}

/**
 * The validated, frozen form of {@link BreakerOptions}, without the `name` (a breaker keeps its
 * name apart, so that breakers configured alike share one resolved object: an idle breaker then
 * holds little more than its state).
 */
export interface ResolvedBreakerOptions {
  readonly createStrategy: StrategyFactory;
  readonly strategy: StrategyOptions;
  readonly openMs: Backoff;
  readonly maxRecoveryAttempts: number;
  readonly maxProbes: number;
  readonly successCount: number;
  readonly probeTimeoutMs: number;
  readonly classifier: Classifier;
  readonly classifierRules: ClassifierRule | readonly ClassifierRule[] | undefined;
  readonly openOnRetryAfter: boolean;
  readonly maxRetryAfterMs: number;
  readonly trackLatency: boolean;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler;
  readonly initialState: DurableState | undefined;
  readonly store: BreakerStore | undefined;
}

const knownKeys: KnownKeys<BreakerOptions> = {
  name: true,
  strategy: true,
  openMs: true,
  maxRecoveryAttempts: true,
  halfOpen: true,
  classify: true,
  openOnRetryAfter: true,
  maxRetryAfterMs: true,
  trackLatency: true,
  clock: true,
  onListenerError: true,
  initialState: true,
  store: true,
};
const halfOpenKeys: KnownKeys<HalfOpenOptions> = {
  maxProbes: true,
  successCount: true,
  probeTimeoutMs: true,
};

/** The `openMs` used when none is given, and in place of a custom backoff's invalid delay. */
export const defaultRecovery = exponentialBackoff({
  initialMs: 10_000,
  factor: 2,
  maxMs: 300_000,
  jitter: 0.1,
});

/** Every breaker created with no option but its name shares this; built on first use. */
let defaults: ResolvedBreakerOptions | undefined;

/**
 * Validates breaker options once, at construction (all but `name`: see
 * {@link resolveBreakerName}).
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveBreakerOptions(options: BreakerOptions = {}): ResolvedBreakerOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, knownKeys);
  if (onlyName(options)) {
    defaults ??= resolve({});
    return defaults;
  }
  return resolveCached(options, resolve);
}

/** A breaker's name, validated. */
export function resolveBreakerName(options: BreakerOptions | undefined): string {
  return expectString('name', options?.name ?? 'default');
}

/** True when `options` sets nothing but the name (undefined values count as unset). */
function onlyName(options: BreakerOptions): boolean {
  for (const key in options) {
    if (key !== 'name' && (options as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}

function resolve(options: BreakerOptions): ResolvedBreakerOptions {
  const halfOpen: HalfOpenOptions = options.halfOpen ?? {};
  expectObject('halfOpen', halfOpen as unknown);
  rejectUnknownKeys('halfOpen', halfOpen, halfOpenKeys);
  const strategy: StrategyOptions = options.strategy ?? { failureCount: 5 };
  const onListenerError =
    options.onListenerError === undefined
      ? rethrowInMicrotask
      : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError);
  return Object.freeze({
    createStrategy: resolveStrategy('strategy', strategy),
    strategy,
    openMs: resolveOpenMs(options.openMs),
    maxRecoveryAttempts: expectInteger(
      'maxRecoveryAttempts',
      options.maxRecoveryAttempts ?? Infinity,
      1,
      Infinity,
    ),
    maxProbes: expectInteger('halfOpen.maxProbes', halfOpen.maxProbes ?? 1, 1, 10_000),
    successCount: expectInteger('halfOpen.successCount', halfOpen.successCount ?? 1, 1, 10_000),
    probeTimeoutMs: expectNumber('halfOpen.probeTimeoutMs', halfOpen.probeTimeoutMs ?? 60_000, 1),
    classifier:
      options.classify === undefined
        ? defaultClassifier
        : createClassifier(options.classify, {
            onRuleError: (error, index) =>
              reportCallbackError(onListenerError, error, `classify[${index}]`),
          }),
    classifierRules: options.classify,
    openOnRetryAfter: expectBoolean('openOnRetryAfter', options.openOnRetryAfter ?? true),
    maxRetryAfterMs: expectNumber('maxRetryAfterMs', options.maxRetryAfterMs ?? 3_600_000, 0),
    trackLatency: expectBoolean('trackLatency', options.trackLatency ?? false),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    onListenerError,
    initialState:
      options.initialState === undefined ? undefined : resolveInitialState(options.initialState),
    store: resolveStore(options.store),
  });
}

function resolveOpenMs(openMs: unknown): Backoff {
  if (openMs === undefined) return defaultRecovery;
  if (typeof openMs === 'number') return constantBackoff(expectNumber('openMs', openMs, 0));
  if (
    typeof openMs === 'object' &&
    openMs !== null &&
    typeof (openMs as Backoff).delayMs === 'function'
  ) {
    return openMs as Backoff;
  }
  throw new BreakwaterConfigError(
    'openMs',
    'milliseconds (a number >= 0) or a Backoff such as exponentialBackoff()',
    openMs,
  );
}

function resolveStore(store: unknown): BreakerStore | undefined {
  if (store === undefined) return undefined;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof (store as BreakerStore).load !== 'function' ||
    typeof (store as BreakerStore).save !== 'function'
  ) {
    throw new BreakwaterConfigError('store', 'a BreakerStore with load() and save()', store);
  }
  return store as BreakerStore;
}

function resolveInitialState(value: unknown): DurableState {
  try {
    return toDurableState(value);
  } catch (error) {
    const why = error instanceof Error ? ` (${error.message})` : '';
    throw new BreakwaterConfigError(
      'initialState',
      `a DurableState from breaker.toJSON()${why}`,
      value,
    );
  }
}

/** What `breaker.reconfigure()` accepts: every option but those fixed at construction. */
export type ReconfigurableBreakerOptions = Omit<
  BreakerOptions,
  'name' | 'store' | 'initialState' | 'clock'
>;

/**
 * Options a breaker takes only at construction: `reconfigure()` refuses them. `clock` among them:
 * open periods and windows are deadlines on one clock, meaningless on another.
 */
const fixedKeys = ['name', 'store', 'initialState', 'clock'] as const;

/**
 * Validates `partial` and merges it over `current` (`halfOpen` merged key by key) into new
 * resolved options.
 * @throws BreakwaterConfigError when an option is invalid or unknown, or is one of `name`,
 * `store`, `initialState`, `clock`, which cannot change after construction
 */
export function resolveReconfiguration(
  current: ResolvedBreakerOptions,
  partial: ReconfigurableBreakerOptions,
): ResolvedBreakerOptions {
  expectObject('reconfigure options', partial as unknown);
  for (const key of fixedKeys) {
    if (Object.hasOwn(partial, key)) {
      throw new BreakwaterConfigError(
        key,
        'no change: name, store, initialState and clock are fixed when the breaker is created',
        (partial as Record<string, unknown>)[key],
      );
    }
  }
  rejectUnknownKeys('', partial, knownKeys);
  if (partial.halfOpen !== undefined) expectObject('halfOpen', partial.halfOpen as unknown);
  const before = toBreakerOptions(current);
  return resolveBreakerOptions({
    ...before,
    ...partial,
    halfOpen: { ...before.halfOpen, ...partial.halfOpen },
    ...(current.store === undefined ? {} : { store: current.store }),
  });
}

/** The user-facing form of resolved options, for a reconfiguration to merge a partial into. */
function toBreakerOptions(o: ResolvedBreakerOptions): BreakerOptions {
  return {
    strategy: o.strategy,
    openMs: o.openMs,
    maxRecoveryAttempts: o.maxRecoveryAttempts,
    halfOpen: {
      maxProbes: o.maxProbes,
      successCount: o.successCount,
      probeTimeoutMs: o.probeTimeoutMs,
    },
    ...(o.classifierRules === undefined ? {} : { classify: o.classifierRules }),
    openOnRetryAfter: o.openOnRetryAfter,
    maxRetryAfterMs: o.maxRetryAfterMs,
    trackLatency: o.trackLatency,
    clock: o.clock,
    onListenerError: o.onListenerError,
  };
}
