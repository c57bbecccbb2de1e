import { binanceStatus } from '../binance/status.ts';
import { bybitStatus } from '../bybit/status.ts';
import { krakenStatus } from '../kraken/status.ts';
import { okxStatus } from '../okx/status.ts';
import { checkSystemStatus } from './checkSystemStatus.ts';
import type { FetchLike, SystemStatus, SystemStatusOptions } from './types.ts';

/**
 * Asks Kraken's `GET /0/public/SystemStatus` for the trading engine's mode: `online` is
 * operational; `cancel_only`, `post_only`, `limit_only` and `reduce_only` are degraded (orders
 * restricted); `maintenance` (or an `EService:Unavailable` error) is maintenance.
 * @see {@link https://docs.kraken.com/api/docs/rest-api/get-system-status/}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 * @example
 * ```ts
 * const { health } = await krakenSystemStatus(fetch);
 * if (health === 'maintenance') registry.get('kraken:api.kraken.com:order').forceOpen();
 * ```
 */
export function krakenSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  return checkSystemStatus(krakenStatus, fetch, options);
}

/**
 * Asks Binance's `GET /sapi/v1/system/status` (weight 1, no key): `status` 0 is normal, 1 is
 * system maintenance.
 * @see {@link https://developers.binance.com/docs/wallet/others/system-status}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 */
export function binanceSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  return checkSystemStatus(binanceStatus, fetch, options);
}

/**
 * Asks Bybit's `GET /v5/system/status` for platform maintenance: an `ongoing` event is
 * maintenance (until its `end`), a `scheduled` one is reported as `nextMaintenanceAt`. Bybit
 * notes that short restarts (under 10 seconds) are not announced there.
 * @see {@link https://bybit-exchange.github.io/docs/v5/system-status}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 */
export function bybitSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  return checkSystemStatus(bybitStatus, fetch, options);
}

/**
 * Asks OKX's `GET /api/v5/system/status` (public, 1 request per 5 seconds) for system upgrades:
 * an `ongoing` event is maintenance (degraded when it affects only the WebSocket service,
 * `serviceType` 0), `pre_open` is degraded (trading about to resume), a `scheduled` one is
 * reported as `nextMaintenanceAt`.
 * @see {@link https://www.okx.com/docs-v5/en/#status-get-status}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 */
export function okxSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  return checkSystemStatus(okxStatus, fetch, options);
}
