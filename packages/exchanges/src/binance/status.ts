import type { StatusSource } from '../status/StatusSource.ts';

/**
 * Binance's `GET /sapi/v1/system/status` (weight 1, no key): `status` 0 is normal, 1 is system
 * maintenance. Not part of the public API.
 * @see {@link https://developers.binance.com/docs/wallet/others/system-status}
 */
export const binanceStatus: StatusSource = {
  exchange: 'binance',
  baseUrl: 'https://api.binance.com',
  path: '/sapi/v1/system/status',
  answer: {
    kind: 'mode',
    mode: ['status'],
    health: { '0': 'operational', '1': 'maintenance' },
    detail: ['msg'],
  },
};
