import type { ExchangeId } from './timeline.ts';

/**
 * What the bot needs of the exchange simulator (`ExchangeSim` from
 * `@breakwater/exchanges/testing`): where each exchange listens, and a way to point ccxt there.
 */
export interface Stage {
  /** The REST origin of `exchange`, `http://127.0.0.1:<port>`. */
  url(exchange: ExchangeId): string;
  /** The market-stream URL of `exchange`. */
  wsUrl(exchange: ExchangeId): string;
  /** Points a ccxt `kraken` or `binance` at the simulator, and returns it. */
  redirect<T extends { id: string; urls: Record<string, unknown> }>(exchange: T): T;
}
