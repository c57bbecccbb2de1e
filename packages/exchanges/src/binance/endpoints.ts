import { type HttpHeaders, readHeader } from '@breakwater/core/adapter';
import type { ExchangeEndpoint } from '../types.ts';

const orderPath = /\/(order|batchOrders|allOpenOrders|openOrders|orderList|sor\/order)(\/|$)/;

/**
 * The endpoint group of a Binance REST request (spot `api`, `fapi`, `dapi`, `eapi`, `papi`):
 * placing, replacing or cancelling orders (`POST`/`PUT`/`DELETE` on `/order`, `/orderList/*`,
 * `/batchOrders`, `/openOrders`, …) is `order`; any other request carrying an API key
 * (`X-MBX-APIKEY`) or a signature is `private`; the rest is `public` market data.
 * @example `binanceEndpoint(new URL('https://api.binance.com/api/v3/order'), 'POST')`
 */
export function binanceEndpoint(url: URL, method = 'GET', headers?: HttpHeaders): ExchangeEndpoint {
  const endpoint = url.pathname;
  if (method.toUpperCase() !== 'GET' && orderPath.test(url.pathname)) {
    return { exchange: 'binance', group: 'order', endpoint };
  }
  const signed = url.searchParams.has('signature') || readHeader(headers, 'x-mbx-apikey') !== null;
  return { exchange: 'binance', group: signed ? 'private' : 'public', endpoint };
}

/**
 * Whether a non-idempotent Binance call may change state: all may, except test orders
 * (`/api/v3/order/test`, `/api/v3/sor/order/test`), which are validated and never sent to the
 * matching engine. Not part of the public API.
 */
export function binanceChangesState(endpoint: string): boolean {
  return !/\/order\/test\/?$/.test(endpoint);
}

/** The Binance market an endpoint belongs to, by its API's path prefix. Not part of the public API. */
export type BinanceMarket = 'spot' | 'linear' | 'inverse' | 'option' | 'portfolioMargin';

const markets: Readonly<Record<string, BinanceMarket>> = {
  fapi: 'linear',
  dapi: 'inverse',
  eapi: 'option',
  papi: 'portfolioMargin',
};

/** The market of an endpoint name (a path); `spot` for `/api`, `/sapi` and anything else. */
export function binanceMarket(endpoint: string | undefined): BinanceMarket {
  const prefix = /^\/([a-z]+)\//.exec(endpoint ?? '')?.[1];
  return (prefix === undefined ? undefined : markets[prefix]) ?? 'spot';
}
