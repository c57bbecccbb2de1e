import { readCode, readJsonObject } from '../shared/readBody.ts';
import { fetchStatusJson } from '../status/fetchStatusJson.ts';
import type { FetchLike, SystemStatus, SystemStatusOptions } from '../status/types.ts';

/**
 * Asks Binance's `GET /sapi/v1/system/status` (weight 1, no key): `status` 0 is normal, 1 is
 * system maintenance.
 * @see {@link https://developers.binance.com/docs/wallet/others/system-status}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 */
export async function binanceSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  const answer = await fetchStatusJson(
    fetch,
    'https://api.binance.com',
    '/sapi/v1/system/status',
    options,
  );
  if (!answer.ok) return { exchange: 'binance', health: 'unknown', detail: answer.detail };
  const body = readJsonObject(answer.body);
  const status = readCode(body?.status);
  const detail = typeof body?.msg === 'string' ? body.msg : String(status);
  if (status === 0) return { exchange: 'binance', health: 'operational', detail };
  if (status === 1) return { exchange: 'binance', health: 'maintenance', detail };
  return { exchange: 'binance', health: 'unknown', detail };
}
