import { readJsonObject } from '../shared/readBody.ts';
import { epochMs, fetchStatusJson } from '../status/fetchStatusJson.ts';
import type {
  FetchLike,
  SystemHealth,
  SystemStatus,
  SystemStatusOptions,
} from '../status/types.ts';

/**
 * Asks OKX's `GET /api/v5/system/status` (public, 1 request per 5 seconds) for system upgrades:
 * an `ongoing` event is maintenance (degraded when it affects only the WebSocket service,
 * `serviceType` 0), `pre_open` is degraded (trading about to resume), a `scheduled` one is
 * reported as `nextMaintenanceAt`.
 * @see {@link https://www.okx.com/docs-v5/en/#status-get-status}
 * @throws BreakwaterConfigError on an invalid option; rejects when the fetch does
 */
export async function okxSystemStatus(
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  const answer = await fetchStatusJson(
    fetch,
    'https://www.okx.com',
    '/api/v5/system/status',
    options,
  );
  if (!answer.ok) return { exchange: 'okx', health: 'unknown', detail: answer.detail };
  const body = readJsonObject(answer.body);
  if (String(body?.code) !== '0' || !Array.isArray(body?.data)) {
    const detail = typeof body?.msg === 'string' && body.msg !== '' ? body.msg : 'no status';
    return { exchange: 'okx', health: 'unknown', detail };
  }
  let health: SystemHealth = 'operational';
  let detail = 'normal';
  let until: number | undefined;
  let next: number | undefined;
  for (const item of body.data) {
    const event = readJsonObject(item);
    const state = event?.state;
    const title =
      typeof event?.title === 'string' && event.title !== '' ? event.title : String(state);
    if (state === 'ongoing' || state === 'pre_open') {
      const webSocketOnly = String(event?.serviceType) === '0';
      const level: SystemHealth =
        state === 'ongoing' && !webSocketOnly ? 'maintenance' : 'degraded';
      if (health !== 'maintenance') {
        health = level;
        detail = title;
      }
      const end = epochMs(event?.end);
      if (level === 'maintenance' && end !== undefined && (until === undefined || end > until)) {
        until = end;
      }
    } else if (state === 'scheduled') {
      const begin = epochMs(event?.begin);
      if (begin !== undefined && (next === undefined || begin < next)) next = begin;
    }
  }
  return {
    exchange: 'okx',
    health,
    detail,
    ...(until === undefined ? {} : { maintenanceUntil: until }),
    ...(next === undefined ? {} : { nextMaintenanceAt: next }),
  };
}
