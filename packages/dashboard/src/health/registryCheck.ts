import { type BreakerRegistry, defaultRegistry } from '@breakwater/core';
import type { CheckFunction } from './types.ts';

const maxNamesShown = 5;

/**
 * A check from a breaker registry's aggregate health (`registry.health()`): healthy when every
 * breaker is closed or disabled, degraded when some are open, half-open or forced open,
 * unhealthy when all are open or forced open. The detail names the first few that are not
 * closed (breaker names are keys, never full URLs).
 * @example
 * ```ts
 * monitor.register('breakers', registryCheck(registry), { intervalMs: 5_000, critical: false });
 * ```
 */
export function registryCheck(registry?: BreakerRegistry): CheckFunction {
  return () => {
    const health = (registry ?? defaultRegistry()).health();
    if (health.status === 'healthy') {
      return { status: 'healthy', detail: `${health.total} breakers closed` };
    }
    const names = health.unhealthy.slice(0, maxNamesShown).join(', ');
    const more =
      health.unhealthy.length > maxNamesShown
        ? ` and ${health.unhealthy.length - maxNamesShown} more`
        : '';
    return {
      status: health.status,
      detail: `${health.unhealthy.length} of ${health.total} breakers not closed: ${names}${more}`,
    };
  };
}
