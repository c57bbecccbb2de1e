import type { ExchangeEndpoint } from '../types.ts';

/**
 * The endpoint group of an OKX v5 request: `POST /api/v5/trade/*` (place, amend and cancel
 * orders, algo orders, close positions) is `order`; `/api/v5/market/*`, `/api/v5/public/*` and
 * `/api/v5/system/*` are `public`; the rest is `private`.
 */
export function okxEndpoint(url: URL, method = 'GET'): ExchangeEndpoint {
  const endpoint = url.pathname;
  if (method.toUpperCase() === 'POST' && endpoint.startsWith('/api/v5/trade/')) {
    return { exchange: 'okx', group: 'order', endpoint };
  }
  const isPublic = /^\/api\/v5\/(market|public|system)\//.test(endpoint);
  return { exchange: 'okx', group: isPublic ? 'public' : 'private', endpoint };
}

/**
 * Whether a non-idempotent OKX call may change state: every v5 POST does (reads are GETs). Not
 * part of the public API.
 */
export function okxChangesState(_endpoint: string): boolean {
  return true;
}
