import { BreakerRegistry } from './BreakerRegistry.ts';

/**
 * Where the process-wide registry lives: a global symbol, so two copies of `@breakwater/core`
 * in one process (a dependency bundling its own, two majors side by side) share one registry.
 */
const key = Symbol.for('breakwater.registry');

type Holder = { [key]?: BreakerRegistry };

/**
 * The bound of the registry {@link defaultRegistry} creates. The HTTP adapters key breakers by
 * origin (or endpoint group), so an application rarely needs more than a few hundred; a key
 * function that derives keys from paths or ids would otherwise grow the registry without end
 * (about 1.7 KB per breaker). At the bound the least recently used closed breaker is evicted.
 */
const defaultMaxSize = 10_000;

/**
 * The process-wide registry, created on first use with default options and `maxSize: 10_000`
 * (about 17 MB at most; see `maxSize` for what eviction means). Libraries that guard a
 * dependency without being handed a registry use it, so one application sees all its breakers
 * in one place. Configure it once at start with {@link setDefaultRegistry}, e.g.
 * `setDefaultRegistry(registryFromProcessEnv())` from `@breakwater/core/node`.
 *
 * @example
 * ```ts
 * const breaker = defaultRegistry().get('https://api.kraken.com');
 * ```
 */
export function defaultRegistry(): BreakerRegistry {
  const holder = globalThis as Holder;
  const current = holder[key];
  if (current !== undefined) return current;
  const created = new BreakerRegistry({ maxSize: defaultMaxSize });
  holder[key] = created;
  return created;
}

/**
 * Replaces the process-wide registry (or, with `undefined`, drops it so the next
 * {@link defaultRegistry} call creates a fresh one). The previous registry is returned, not
 * disposed: its breakers keep working for whoever holds them.
 *
 * @returns the registry that was the default, if any
 * @example
 * ```ts
 * const previous = setDefaultRegistry(new BreakerRegistry({ clock }));
 * // … test …
 * setDefaultRegistry(previous);
 * ```
 */
export function setDefaultRegistry(
  registry: BreakerRegistry | undefined,
): BreakerRegistry | undefined {
  const holder = globalThis as Holder;
  const previous = holder[key];
  if (registry === undefined) delete holder[key];
  else holder[key] = registry;
  return previous;
}
