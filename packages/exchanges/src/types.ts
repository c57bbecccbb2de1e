/** The exchanges this package has rules, presets and status checks for. */
export type ExchangeId = 'kraken' | 'binance' | 'coinbase' | 'bybit' | 'okx';

/**
 * The breaker a request belongs to in the recommended layout: market data (`public`), account
 * reads (`private`) and order placement or cancellation (`order`) fail for different reasons and
 * recover at different times, so each has its own breaker.
 */
export type EndpointGroup = 'public' | 'private' | 'order';

/** Where a request goes, as the presets see it. */
export interface ExchangeEndpoint {
  readonly exchange: ExchangeId;
  readonly group: EndpointGroup;
  /**
   * A low-cardinality endpoint name for rules, events and metrics: the path, such as
   * `/0/private/AddOrder` or `/api/v3/order` (Coinbase ids replaced by `:id`), never the query.
   * Presets put it in each request's call context as `endpoint`.
   */
  readonly endpoint: string;
}
