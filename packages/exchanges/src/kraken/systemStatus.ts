import { readJsonObject } from '../shared/readBody.ts';
import { fetchStatusJson } from '../status/fetchStatusJson.ts';
import type {
  FetchLike,
  SystemHealth,
  SystemStatus,
  SystemStatusOptions,
} from '../status/types.ts';
import { krakenErrorVerdict } from './rules.ts';

const health: Readonly<Record<string, SystemHealth>> = {
  online: 'operational',
  maintenance: 'maintenance',
  cancel_only: 'degraded',
  post_only: 'degraded',
  limit_only: 'degraded',
  reduce_only: 'degraded',
};

/**
 * Asks Kraken's `GET /0/public/SystemStatus` for the trading engine's mode: `online` is
 * operational; `cancel_only`, `post_only` and `limit_only` are degraded (orders restricted);
 * `maintenance` is maintenance.
 * @see {@link https://docs.kraken.com/api/docs/rest-api/get-system-status/}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 * @example
 * ```ts
 * const { health } = await krakenSystemStatus(fetch);
 * if (health === 'maintenance') registry.get('kraken:order').forceOpen();
 * ```
 */
export async function krakenSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  const answer = await fetchStatusJson(
    fetch,
    'https://api.kraken.com',
    '/0/public/SystemStatus',
    options,
  );
  if (!answer.ok) return { exchange: 'kraken', health: 'unknown', detail: answer.detail };
  const body = readJsonObject(answer.body);
  const errors = Array.isArray(body?.error) ? body.error.filter((e) => typeof e === 'string') : [];
  if (errors.length > 0) {
    const maintenance = errors.some((e) => krakenErrorVerdict(e)?.category === 'maintenance');
    return {
      exchange: 'kraken',
      health: maintenance ? 'maintenance' : 'unknown',
      detail: errors.join(', '),
    };
  }
  const status = readJsonObject(body?.result)?.status;
  if (typeof status !== 'string')
    return { exchange: 'kraken', health: 'unknown', detail: 'no status' };
  return { exchange: 'kraken', health: health[status] ?? 'unknown', detail: status };
}
