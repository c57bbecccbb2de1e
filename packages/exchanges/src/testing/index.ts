/**
 * @breakwater/exchanges/testing: a simulated Kraken and Binance on loopback for integration
 * tests of trading bots: REST and market streams in each exchange's real format, incidents on a
 * timeline of an injected clock, counters to assert on. Node only (`node:http`, `node:net`);
 * it needs no WebSocket package.
 */
export { startExchangeSim } from './startExchangeSim.ts';
export type {
  BinanceSimOptions,
  ExchangeSim,
  ExchangeSimOptions,
  KrakenSimOptions,
  SimCounters,
  SimExchangeId,
  SimIncident,
  SimIncidentSpec,
  SimIncidentType,
  SimOrder,
  SimScope,
} from './types.ts';
