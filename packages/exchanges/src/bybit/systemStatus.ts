import { readJsonObject } from '../shared/readBody.ts';
import { epochMs, fetchStatusJson } from '../status/fetchStatusJson.ts';
import type { FetchLike, SystemStatus, SystemStatusOptions } from '../status/types.ts';

/**
 * Asks Bybit's `GET /v5/system/status` for platform maintenance: an `ongoing` event is
 * maintenance (until its `end`), a `scheduled` one is reported as `nextMaintenanceAt`. Bybit
 * notes that short restarts (under 10 seconds) are not announced there.
 * @see {@link https://bybit-exchange.github.io/docs/v5/system-status}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 */
export async function bybitSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  const answer = await fetchStatusJson(
    fetch,
    'https://api.bybit.com',
    '/v5/system/status',
    options,
  );
  if (!answer.ok) return { exchange: 'bybit', health: 'unknown', detail: answer.detail };
  const body = readJsonObject(answer.body);
  const list = readJsonObject(body?.result)?.list;
  if (body?.retCode !== 0 || !Array.isArray(list)) {
    const detail =
      typeof body?.retMsg === 'string' && body.retMsg !== '' ? body.retMsg : 'no status';
    return { exchange: 'bybit', health: 'unknown', detail };
  }
  let until: number | undefined;
  let ongoing: string | undefined;
  let next: number | undefined;
  for (const item of list) {
    const event = readJsonObject(item);
    if (event?.state === 'ongoing') {
      ongoing = typeof event.title === 'string' && event.title !== '' ? event.title : 'ongoing';
      const end = epochMs(event.end);
      if (end !== undefined && (until === undefined || end > until)) until = end;
    } else if (event?.state === 'scheduled') {
      const begin = epochMs(event.begin);
      if (begin !== undefined && (next === undefined || begin < next)) next = begin;
    }
  }
  const upcoming = next === undefined ? {} : { nextMaintenanceAt: next };
  if (ongoing === undefined)
    return { exchange: 'bybit', health: 'operational', detail: 'normal', ...upcoming };
  return {
    exchange: 'bybit',
    health: 'maintenance',
    detail: ongoing,
    ...(until === undefined ? {} : { maintenanceUntil: until }),
    ...upcoming,
  };
}
