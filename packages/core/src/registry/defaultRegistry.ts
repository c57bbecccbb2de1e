import { BreakerRegistry } from './BreakerRegistry.ts';

/**
 * Where the process-wide registry lives: a global symbol, so two copies of `@breakwater/core`
 * in one process (a dependency bundling its own, two majors side by side) share one registry.
 */
const key = Symbol.for('breakwater.registry');

type Holder = { [key]?: BreakerRegistry };

/**
 * The process-wide registry, created with default options on first use. Libraries that guard a
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
  const created = new BreakerRegistry();
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
