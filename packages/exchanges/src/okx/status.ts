import type { StatusSource } from '../status/StatusSource.ts';

/**
 * OKX's `GET /api/v5/system/status` (public, 1 request per 5 seconds): an `ongoing` event is
 * maintenance (degraded when it affects only the WebSocket service, `serviceType` 0),
 * `pre_open` is degraded (trading about to resume), a `scheduled` one is reported as
 * `nextMaintenanceAt`. Not part of the public API.
 * @see {@link https://www.okx.com/docs-v5/en/#status-get-status}
 */
export const okxStatus: StatusSource = {
  exchange: 'okx',
  baseUrl: 'https://www.okx.com',
  path: '/api/v5/system/status',
  answer: {
    kind: 'events',
    ok: { at: ['code'], value: '0' },
    message: ['msg'],
    list: ['data'],
    degraded: ['pre_open'],
    partial: { field: 'serviceType', value: '0' },
  },
};
