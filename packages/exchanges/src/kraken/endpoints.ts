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
 * Kraken private methods that only read (or, as `GetWebSocketsToken` and `DepositAddresses`,
 * hand out something harmless to get twice): their failures can have no uncertain effect.
 * Any other private method may change state.
 * @see {@link https://docs.kraken.com/api/docs/rest-api/get-account-balance}
 */
const readMethods: ReadonlySet<string> = new Set([
  'Balance',
  'BalanceEx',
  'TradeBalance',
  'OpenOrders',
  'ClosedOrders',
  'QueryOrders',
  'OrderAmends',
  'TradesHistory',
  'QueryTrades',
  'OpenPositions',
  'Ledgers',
  'QueryLedgers',
  'TradeVolume',
  'ExportStatus',
  'RetrieveExport',
  'GetWebSocketsToken',
  'GetApiKeyInfo',
  'DepositMethods',
  'DepositAddresses',
  'DepositStatus',
  'WithdrawInfo',
  'WithdrawMethods',
  'WithdrawAddresses',
  'WithdrawStatus',
  'Strategies',
  'Allocations',
  'AllocateStatus',
  'DeallocateStatus',
  'CreditLines',
]);

function methodOf(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * The endpoint group of a Kraken spot REST request: `/0/public/*` is `public`, the order
 * methods of `/0/private/*` (`AddOrder`, `CancelOrder`, …) are `order`, the other private
 * methods (`Balance`, `OpenOrders`, `Withdraw`, …) are `private`. The endpoint name is the path
 * (`/0/private/AddOrder`).
 * @example `krakenEndpoint(new URL('https://api.kraken.com/0/private/AddOrder'), 'POST')`
 */
export function krakenEndpoint(url: URL, _method = 'GET'): ExchangeEndpoint {
  const endpoint = url.pathname;
  if (/\/public\//.test(endpoint)) return { exchange: 'kraken', group: 'public', endpoint };
  const group = orderMethods.has(methodOf(endpoint)) ? 'order' : 'private';
  return { exchange: 'kraken', group, endpoint };
}

/**
 * Whether a POST to a Kraken endpoint may change state: public calls and the private reads
 * never do. Not part of the public API.
 */
export function krakenChangesState(endpoint: string): boolean {
  return !/\/public\//.test(endpoint) && !readMethods.has(methodOf(endpoint));
}
