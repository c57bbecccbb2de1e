import { expectFunction } from '@breakwater/core/adapter';
import type { CheckFunction } from './types.ts';

/**
 * What an exchange status check resolves to: the shape of `SystemStatus` from
 * `@breakwater/exchanges` (`krakenSystemStatus()` and the others), declared here so this
 * package does not need that one.
 */
export interface SystemStatusLike {
  readonly health: 'operational' | 'degraded' | 'maintenance' | 'unknown';
  readonly detail: string;
  readonly maintenanceUntil?: number;
}

/**
 * A check from an exchange's system status, as `@breakwater/exchanges` reads it:
 * `operational` is healthy, `degraded` (Kraken `cancel_only`, OKX `pre_open`) is degraded,
 * `maintenance` is unhealthy, and `unknown` (the status endpoint failed or answered nonsense)
 * is unhealthy too. Pass the signal on, so the check's timeout aborts the request.
 * @throws BreakwaterConfigError when `status` is not a function
 * @example
 * ```ts
 * import { krakenSystemStatus } from '@breakwater/exchanges';
 * monitor.register('kraken-status', systemStatusCheck((signal) => krakenSystemStatus(fetch, { signal })));
 * ```
 */
export function systemStatusCheck(
  status: (signal: AbortSignal) => Promise<SystemStatusLike>,
): CheckFunction {
  const read = expectFunction<typeof status>('status', status);
  return async (signal) => {
    const { health, detail, maintenanceUntil } = await read(signal);
    const until =
      typeof maintenanceUntil === 'number'
        ? ` until ${new Date(maintenanceUntil).toISOString()}`
        : '';
    switch (health) {
      case 'operational':
        return { status: 'healthy', detail };
      case 'degraded':
        return { status: 'degraded', detail };
      case 'maintenance':
        return { status: 'unhealthy', detail: `maintenance${until} (${detail})` };
      default:
        return { status: 'unhealthy', detail: `status unknown (${detail})` };
    }
  };
}
