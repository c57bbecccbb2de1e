import type { StatusSource } from '../status/StatusSource.ts';
import { parseKrakenError } from './errors.ts';

const maintenanceTypes: ReadonlySet<string> = new Set(['Unavailable']);

/**
 * Kraken's `GET /0/public/SystemStatus`: `result.status` is the trading engine's mode; `online`
 * is operational; `cancel_only`, `post_only`, `limit_only` and `reduce_only` are degraded
 * (orders restricted); `maintenance` is maintenance. An `EService:Unavailable` error is
 * maintenance too. Not part of the public API.
 * @see {@link https://docs.kraken.com/api/docs/rest-api/get-system-status/}
 */
export const krakenStatus: StatusSource = {
  exchange: 'kraken',
  baseUrl: 'https://api.kraken.com',
  path: '/0/public/SystemStatus',
  answer: {
    kind: 'mode',
    mode: ['result', 'status'],
    health: {
      online: 'operational',
      maintenance: 'maintenance',
      cancel_only: 'degraded',
      post_only: 'degraded',
      limit_only: 'degraded',
      reduce_only: 'degraded',
    },
    errors: {
      at: ['error'],
      health: (errors) =>
        errors.some((e) => {
          const parsed = parseKrakenError(e);
          return parsed?.category === 'EService' && maintenanceTypes.has(parsed.type);
        })
          ? 'maintenance'
          : 'unknown',
    },
  },
};
