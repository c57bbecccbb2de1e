import type { ExchangeEndpoint } from '../types.ts';

// Product ids (BTC-USD), numbers and UUIDs: anything with an upper-case letter or only digits.
const idLike = /[A-Z]|^\d+$|^[0-9a-f]{8}-[0-9a-f]{4}-/;

const publicPath =
  /^\/(api\/v3\/brokerage\/(market|time)|v2\/(currencies|exchange-rates|prices|time))(\/|$)/;

/**
 * The endpoint group of a Coinbase request: `POST` under `/api/v3/brokerage/orders` (create,
 * `batch_cancel`, `edit`, `close_position`) is `order`; `/api/v3/brokerage/market/*`,
 * `/api/v3/brokerage/time` and the v2 public data are `public`; the rest is `private`. The
 * endpoint name replaces ids (`BTC-USD`, UUIDs, numbers) with `:id`.
 */
export function coinbaseEndpoint(url: URL, method = 'GET'): ExchangeEndpoint {
  const endpoint = url.pathname
    .split('/')
    .map((segment) => (idLike.test(segment) ? ':id' : segment))
    .join('/');
  if (method.toUpperCase() === 'POST' && url.pathname.startsWith('/api/v3/brokerage/orders')) {
    return { exchange: 'coinbase', group: 'order', endpoint };
  }
  const group = publicPath.test(url.pathname) ? 'public' : 'private';
  return { exchange: 'coinbase', group, endpoint };
}

/**
 * Whether a non-idempotent Coinbase call may change state: all may, except an order preview
 * (`POST /api/v3/brokerage/orders/preview`), which places nothing. Not part of the public API.
 */
export function coinbaseChangesState(endpoint: string): boolean {
  return !/\/orders\/preview\/?$/.test(endpoint);
}
