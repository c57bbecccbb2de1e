import type { ExchangeEndpoint } from '../types.ts';

/**
 * The endpoint group of a Bybit v5 request: `POST /v5/order/*` (create, amend, cancel,
 * batches, cancel-all) is `order`; `/v5/market/*`, `/v5/announcements/*` and
 * `/v5/system/status` are `public`; the rest is `private`.
 */
export function bybitEndpoint(url: URL, method = 'GET'): ExchangeEndpoint {
  const endpoint = url.pathname;
  if (method.toUpperCase() === 'POST' && endpoint.startsWith('/v5/order/')) {
    return { exchange: 'bybit', group: 'order', endpoint };
  }
  const isPublic = /^\/v5\/(market|announcements|system)\//.test(endpoint);
  return { exchange: 'bybit', group: isPublic ? 'public' : 'private', endpoint };
}

/**
 * Whether a non-idempotent Bybit call may change state: every v5 POST does (reads are GETs).
 * Not part of the public API.
 */
export function bybitChangesState(_endpoint: string): boolean {
  return true;
}
