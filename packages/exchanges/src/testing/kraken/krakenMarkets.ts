import type { MarketSpec } from '../SimMarket.ts';

/** Kraken's spot pairs in the simulator: its own ids, X/Z-prefixed assets and `wsname`s. */
export const krakenMarkets: readonly (MarketSpec & { altname: string; wsname: string })[] = [
  {
    symbol: 'BTC/USD',
    id: 'XXBTZUSD',
    altname: 'XBTUSD',
    wsname: 'XBT/USD',
    base: 'XXBT',
    quote: 'ZUSD',
    price: 65_000,
    priceDecimals: 1,
    amountDecimals: 8,
    minAmount: 0.0001,
  },
  {
    symbol: 'ETH/USD',
    id: 'XETHZUSD',
    altname: 'ETHUSD',
    wsname: 'ETH/USD',
    base: 'XETH',
    quote: 'ZUSD',
    price: 3_200,
    priceDecimals: 2,
    amountDecimals: 8,
    minAmount: 0.002,
  },
];

/** Kraken's assets: id → altname and decimals. */
export const krakenAssets: Readonly<Record<string, { altname: string; decimals: number }>> = {
  XXBT: { altname: 'XBT', decimals: 10 },
  XETH: { altname: 'ETH', decimals: 10 },
  ZUSD: { altname: 'USD', decimals: 4 },
};

/** What a Kraken account holds at start. */
export const krakenBalances: Readonly<Record<string, number>> = {
  ZUSD: 100_000,
  XXBT: 1,
  XETH: 10,
};
