import type { BreakerEnvConfig, RegistryFromEnvOptions } from '../adapter.ts';
import { type BreakerRegistry, breakerOptionsFromEnv, registryFromEnv } from '../index.ts';

/**
 * {@link breakerOptionsFromEnv} on `process.env`: breaker options from `BREAKWATER_*` variables.
 * @defaultValue `prefix`: `'BREAKWATER_'`
 * @throws BreakwaterConfigError naming the variable, for a bad value or an unknown variable
 * @example
 * ```ts
 * const { options } = breakerOptionsFromProcessEnv();
 * const breaker = new CircuitBreaker({ ...options, name: 'https://api.kraken.com' });
 * ```
 */
export function breakerOptionsFromProcessEnv(prefix?: string): BreakerEnvConfig {
  return breakerOptionsFromEnv(process.env, prefix);
}

/**
 * {@link registryFromEnv} on `process.env`: a registry whose breakers take their options from
 * `BREAKWATER_*` variables, and are created `disabled` when `BREAKWATER_ENABLED=false`.
 * @throws BreakwaterConfigError naming the variable, for a bad value or an unknown variable
 * @example
 * ```ts
 * setDefaultRegistry(registryFromProcessEnv({ maxSize: 1_000 }));
 * ```
 */
export function registryFromProcessEnv(options?: RegistryFromEnvOptions): BreakerRegistry {
  return registryFromEnv(process.env, options);
}
