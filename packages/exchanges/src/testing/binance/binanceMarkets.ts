import type { MarketSpec } from '../SimMarket.ts';

/** Binance spot symbols in the simulator. */
export const binanceMarkets: readonly MarketSpec[] = [
  {
    symbol: 'BTC/USDT',
    id: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    price: 65_000,
    priceDecimals: 2,
    amountDecimals: 5,
    minAmount: 0.00001,
  },
  {
    symbol: 'ETH/USDT',
    id: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    price: 3_200,
    priceDecimals: 2,
    amountDecimals: 4,
    minAmount: 0.0001,
  },
];

/** What a Binance account holds at start. */
export const binanceBalances: Readonly<Record<string, number>> = {
  USDT: 100_000,
  BTC: 1,
  ETH: 10,
};

/** Request weight of the spot endpoints the simulator serves (`/api/v3/*`). */
export function binanceWeight(
  method: string,
  path: string,
  params: Readonly<Record<string, string>>,
): number {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /api/v3/exchangeInfo':
    case 'GET /api/v3/account':
      return 20;
    case 'GET /api/v3/depth': {
      const limit = Number(params.limit ?? 100);
      return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    }
    case 'GET /api/v3/ticker/24hr':
      return params.symbol === undefined ? 80 : 2;
    case 'GET /api/v3/openOrders':
      return params.symbol === undefined ? 80 : 6;
    case 'GET /api/v3/order':
      return 4;
    default:
      return 1;
  }
}
