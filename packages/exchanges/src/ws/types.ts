import type { ConnectRateOptions } from '@breakwater/ws';
import type { ExchangeId } from '../types.ts';

/**
 * The documented limit on WebSocket connection attempts per IP address, per exchange: share one
 * `rateLimiter` built from it between every socket of one IP (each preset alone stays within it
 * for its own socket).
 *
 * - Kraken: publishes no limit on WebSocket connects (its limits are per connection, on
 *   subscribe and trading calls, answered `EAPI:Rate limit exceeded`); 60 per 10 minutes is a
 *   conservative bound of ours, not Kraken's number.
 * - Binance: 300 connection attempts per 5 minutes per IP
 *   (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams).
 * - Coinbase Advanced Trade: 8 connections per second per IP
 *   (https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-rate-limits).
 * - Bybit: no more than 500 connections in 5 minutes, per WebSocket domain
 *   (https://bybit-exchange.github.io/docs/v5/ws/connect).
 * - OKX: 3 connection requests per second per IP (https://www.okx.com/docs-v5/en/#overview-websocket).
 */
export const wsConnectLimits: Readonly<Record<ExchangeId, ConnectRateOptions>> = Object.freeze({
  kraken: Object.freeze({ limit: 60, windowMs: 600_000 }),
  binance: Object.freeze({ limit: 300, windowMs: 300_000 }),
  coinbase: Object.freeze({ limit: 8, windowMs: 1_000 }),
  bybit: Object.freeze({ limit: 500, windowMs: 300_000 }),
  okx: Object.freeze({ limit: 3, windowMs: 1_000 }),
});
