import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { RegistryBreakerOptions } from '../registry/resolveBreakerRegistryOptions.ts';
import { resolveBreakerOptions } from '../resolveBreakerOptions.ts';
import { expectObject, type KnownKeys } from '../validate.ts';
import { prefixed } from './HttpRetry.ts';

/**
 * Options of the breakers an HTTP adapter creates, one per key, given at the top level of the
 * adapter's options (`{ strategy: { failureCount: 5 }, openMs: 30_000 }`):
 * every breaker option but `name` (each breaker is named after its key), `classify` (the
 * adapter's own `classify` applies to its requests, whoever created the breaker) and
 * `initialState` (one saved state cannot start a breaker per key: give a `store`).
 */
export type AdapterBreakerOptions = Omit<RegistryBreakerOptions, 'classify' | 'initialState'>;

/** The keys of {@link AdapterBreakerOptions}: a compile error names a breaker option to add. */
export const adapterBreakerKeys: KnownKeys<AdapterBreakerOptions> = {
  strategy: true,
  openMs: true,
  maxRecoveryAttempts: true,
  halfOpen: true,
  openOnRetryAfter: true,
  maxRetryAfterMs: true,
  trackLatency: true,
  clock: true,
  onListenerError: true,
  store: true,
};

/** Breaker options an adapter does not take, with what to do instead. */
const excluded: Readonly<Record<string, string>> = {
  name: 'no name: each breaker is named after its key',
  initialState:
    'no initialState: an adapter creates one breaker per key; restore them from a `store`',
  classify: "no classify among breaker options: the adapter's own `classify` applies",
};

/**
 * Validates the breaker options of an adapter (or of a preset for one) into one frozen object,
 * the one the adapter passes to `registry.get(key, options)` on every request, so that the
 * registry's conflict check costs one comparison of references. Nested `strategy` and
 * `halfOpen` objects are copied and frozen: changing the object passed in changes no breaker
 * created later. An option set to `undefined` is left out. Not part of the public API of
 * adapters' users.
 *
 * @param path - where the options were given, for errors: `''` for an adapter's top level,
 * `'breaker'` for a preset's `breaker` option
 * @param otherKeys - keys the caller takes besides breaker options (an adapter's own), skipped
 * here and named in the hint of an unknown option
 * @returns the frozen options, or `undefined` when there are none
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveAdapterBreakerOptions(
  options: unknown,
  path = '',
  otherKeys: Readonly<Record<string, true>> = {},
): Readonly<AdapterBreakerOptions> | undefined {
  if (options === undefined) return undefined;
  expectObject(path || 'options', options);
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const picked: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(options)) {
    const value = options[key];
    // An option set to `undefined` is not given, as everywhere else: the registry's default holds.
    if (value === undefined || Object.hasOwn(otherKeys, key)) continue;
    if (Object.hasOwn(excluded, key)) {
      throw new BreakwaterConfigError(at(key), excluded[key]!, value);
    }
    if (!Object.hasOwn(adapterBreakerKeys, key)) {
      const known = [...Object.keys(otherKeys), ...Object.keys(adapterBreakerKeys)];
      throw BreakwaterConfigError.unknownOption(at(key), known);
    }
    picked[key] = key === 'strategy' || key === 'halfOpen' ? frozenCopy(value) : value;
    count++;
  }
  if (count === 0) return undefined;
  try {
    resolveBreakerOptions(picked);
  } catch (error) {
    throw path === '' ? error : prefixed(path, error);
  }
  return Object.freeze(picked) as Readonly<AdapterBreakerOptions>;
}

/** A frozen copy of a plain object; anything else as it is, for the breaker's check to name. */
function frozenCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.freeze({ ...value });
}
