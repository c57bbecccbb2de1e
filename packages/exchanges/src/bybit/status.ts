import type { StatusSource } from '../status/StatusSource.ts';

/**
 * Bybit's `GET /v5/system/status`: an `ongoing` event is maintenance (until its `end`), a
 * `scheduled` one is reported as `nextMaintenanceAt`. Bybit notes that short restarts (under 10
 * seconds) are not announced there. Not part of the public API.
 * @see {@link https://bybit-exchange.github.io/docs/v5/system-status}
 */
export const bybitStatus: StatusSource = {
  exchange: 'bybit',
  baseUrl: 'https://api.bybit.com',
  path: '/v5/system/status',
  answer: {
    kind: 'events',
    ok: { at: ['retCode'], value: '0' },
    message: ['retMsg'],
    list: ['result', 'list'],
    degraded: [],
  },
};
