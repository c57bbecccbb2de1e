import { type Clock, systemClock } from '../Clock.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { type ListenerErrorHandler, rethrowInMicrotask } from '../events/Emitter.ts';
import {
  type BreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
} from '../resolveBreakerOptions.ts';
import type { BreakerStore } from '../store/types.ts';
import {
  expectBoolean,
  expectFunction,
  expectInteger,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';

/** Breaker options without the name: the registry names each breaker. */
export type RegistryBreakerOptions = Omit<BreakerOptions, 'name'>;

/** Per-name options: a map from breaker name, or a function of the name. */
export type BreakerOverrides =
  | Readonly<Record<string, RegistryBreakerOptions>>
  | ((name: string) => RegistryBreakerOptions | undefined);

/** Options for {@link BreakerRegistry}. Every option is optional. */
export interface BreakerRegistryOptions {
  /**
   * Options of every breaker the registry creates.
   * @defaultValue `{}` (the breaker's own defaults)
   */
  defaults?: RegistryBreakerOptions;
  /**
   * Options for particular names, applied over `defaults`: an object keyed by name, or a
   * function of the name (return `undefined` for none).
   * @defaultValue none
   */
  overrides?: BreakerOverrides;
  /**
   * How many breakers the registry holds. Adding one beyond it first evicts the least recently
   * used breaker that is `closed` and not forced, however recently it was used: its window
   * (the failures it counted) is lost, and the next `get()` of its name creates a fresh one,
   * restored from `store` if there is one. Breakers that hold state (open, half-open, forced
   * open, disabled by hand) are never evicted: when only those remain, the registry exceeds the
   * bound and emits `overflow`. Use is a `get()`, or a call through a held reference since the
   * registry last looked.
   * @defaultValue `Infinity` (`defaultRegistry()`: 10 000)
   */
  maxSize?: number;
  /**
   * `false` creates every breaker `disabled`: calls always go through and outcomes are still
   * recorded. Such breakers are not connected to `store`, so a local kill switch never reaches
   * other processes. `resetAll()` and `reset(name)` keep them disabled.
   * @defaultValue `true`
   */
  enabled?: boolean;
  /**
   * Measures idleness; also the clock of breakers whose options name none.
   * @defaultValue `defaults.clock ?? systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by the registry's listeners; also the handler of breakers whose
   * options name none.
   * @defaultValue `defaults.onListenerError`, else rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
  /**
   * Store of every breaker the registry creates, unless its options name another.
   * @defaultValue none
   */
  store?: BreakerStore;
}

/** The validated, frozen form of {@link BreakerRegistryOptions}. */
export interface ResolvedBreakerRegistryOptions {
  readonly defaults: RegistryBreakerOptions;
  /** `defaults` resolved once (with the registry's clock, handler and store), for every breaker
   * created without overrides or options of its own: they share it. */
  readonly resolvedDefaults: ResolvedBreakerOptions;
  /** The options of one breaker name, merged over `defaults`, or `undefined`. */
  readonly overrides: (name: string) => RegistryBreakerOptions | undefined;
  readonly maxSize: number;
  readonly enabled: boolean;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler;
  readonly store: BreakerStore | undefined;
}

const knownKeys: KnownKeys<BreakerRegistryOptions> = {
  defaults: true,
  overrides: true,
  maxSize: true,
  enabled: true,
  clock: true,
  onListenerError: true,
  store: true,
};

/**
 * Validates registry options once. `defaults`, and each entry of an `overrides` object merged
 * over them, are validated as breaker options here, so a bad one fails at start and not at the
 * first call for that name.
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveBreakerRegistryOptions(
  options: BreakerRegistryOptions = {},
): ResolvedBreakerRegistryOptions {
  expectObject('options', options as unknown);
  if (Object.hasOwn(options, 'idleMs')) {
    throw new BreakwaterConfigError(
      'idleMs',
      'nothing: removed, `maxSize` now evicts the least recently used closed breaker however ' +
        'recently it was used',
      (options as { idleMs?: unknown }).idleMs,
    );
  }
  rejectUnknownKeys('', options, knownKeys);
  const defaults = expectBreakerOptions('defaults', options.defaults ?? {});
  const clock = options.clock ?? defaults.clock ?? systemClock;
  const onListenerError =
    options.onListenerError === undefined
      ? (defaults.onListenerError ?? rethrowInMicrotask)
      : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError);
  // A throwaway breaker configuration checks the clock and the store the same way breakers do.
  const base = resolveBreakerOptions({ ...defaults, clock, onListenerError, store: options.store });
  const overrides = resolveOverrides(options.overrides, defaults);
  const store = base.store;
  return Object.freeze({
    defaults,
    // What `get(name)` merges for a name without overrides or options: resolved once, shared.
    resolvedDefaults: resolveBreakerOptions({
      clock: base.clock,
      onListenerError,
      store,
      ...defaults,
    }),
    overrides,
    maxSize: expectInteger('maxSize', options.maxSize ?? Infinity, 1, Infinity),
    enabled: expectBoolean('enabled', options.enabled ?? true),
    clock: base.clock,
    onListenerError,
    store: base.store,
  });
}

function resolveOverrides(
  overrides: unknown,
  defaults: RegistryBreakerOptions,
): (name: string) => RegistryBreakerOptions | undefined {
  if (overrides === undefined) return () => undefined;
  if (typeof overrides === 'function') {
    const fn = overrides as (name: string) => unknown;
    return (name) => {
      const found = fn(name);
      return found === undefined ? undefined : expectBreakerOptions('overrides', found);
    };
  }
  expectObject('overrides', overrides);
  const byName = new Map<string, RegistryBreakerOptions>();
  for (const [name, value] of Object.entries(overrides)) {
    const entry = expectBreakerOptions(`overrides.${name}`, value);
    resolveBreakerOptions({ ...defaults, ...entry, name });
    byName.set(name, entry);
  }
  // A Map, so names such as `constructor` or `__proto__` never reach Object.prototype.
  return (name) => byName.get(name);
}

/** Breaker options without a name, validated (the name is the registry's to give). */
function expectBreakerOptions(path: string, value: unknown): RegistryBreakerOptions {
  expectObject(path, value);
  if (Object.hasOwn(value, 'name')) {
    throw new BreakwaterConfigError(
      `${path}.name`,
      'no name: the registry names each breaker after its key',
      value.name,
    );
  }
  resolveBreakerOptions(value);
  return value as RegistryBreakerOptions;
}
