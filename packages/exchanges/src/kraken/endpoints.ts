import { lastSegment } from '../shared/createPreset.ts';
import type { ExchangeEndpoint } from '../types.ts';

/** Kraken private methods that place, change or cancel orders. */
const orderMethods: ReadonlySet<string> = new Set([
  'AddOrder',
  'AddOrderBatch',
  'AmendOrder',
  'EditOrder',
  'CancelOrder',
  'CancelAll',
  'CancelAllOrdersAfter',
  'CancelOrderBatch',
]);

/**
 * The endpoint group of a Kraken spot REST request: `/0/public/*` is `public`, the order
 * methods of `/0/private/*` (`AddOrder`, `CancelOrder`, …) are `order`, the other private
 * methods (`Balance`, `OpenOrders`, …) are `private`.
 * @example `krakenEndpoint(new URL('https://api.kraken.com/0/private/AddOrder'), 'POST')`
 */
export function krakenEndpoint(url: URL, _method = 'GET'): ExchangeEndpoint {
  const endpoint = lastSegment(url.pathname);
  if (/\/public\//.test(url.pathname)) return { exchange: 'kraken', group: 'public', endpoint };
  const group = orderMethods.has(endpoint) ? 'order' : 'private';
  return { exchange: 'kraken', group, endpoint };
}
