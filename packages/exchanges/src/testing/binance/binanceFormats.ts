import type { HeldOrder, MarketState } from '../SimMarket.ts';
import { binanceMarkets } from './binanceMarkets.ts';

/** The largest order amount and price of every symbol (LOT_SIZE `maxQty`, PRICE_FILTER `maxPrice`). */
export const maxQty = 9_000;
export const maxPrice = 1_000_000;

/** Binance's names of the simulator's order states. */
const statusName = { open: 'NEW', filled: 'FILLED', canceled: 'CANCELED' } as const;

const fmt = (state: MarketState, value: number) => value.toFixed(state.spec.priceDecimals);
const qty = (state: MarketState, value: number) => value.toFixed(state.spec.amountDecimals);

/** An order as `GET /api/v3/order` returns it (placed at `placedAt`, epoch ms). */
export function binanceOrder(
  order: HeldOrder,
  state: MarketState,
  placedAt: number,
): Record<string, unknown> {
  const filled = order.status === 'filled';
  const price = order.price ?? state.price;
  return {
    symbol: state.spec.id,
    orderId: Number(order.id),
    orderListId: -1,
    clientOrderId: order.clientOrderId ?? `sim${order.seq}`,
    price: order.type === 'limit' ? fmt(state, price) : fmt(state, 0),
    origQty: qty(state, order.amount),
    executedQty: filled ? qty(state, order.amount) : qty(state, 0),
    cummulativeQuoteQty: filled ? fmt(state, price * order.amount) : fmt(state, 0),
    status: statusName[order.status],
    timeInForce: 'GTC',
    type: order.type.toUpperCase(),
    side: order.side.toUpperCase(),
    stopPrice: fmt(state, 0),
    icebergQty: qty(state, 0),
    time: placedAt,
    updateTime: placedAt,
    isWorking: true,
    workingTime: placedAt,
    origQuoteOrderQty: fmt(state, 0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** `GET /api/v3/exchangeInfo`: the simulator's symbols with Binance's filters. */
export function binanceExchangeInfo(nowMs: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: binanceMarkets.map((spec) => ({
      symbol: spec.id,
      status: 'TRADING',
      baseAsset: spec.base,
      baseAssetPrecision: 8,
      quoteAsset: spec.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true,
      ocoAllowed: true,
      otoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        {
          filterType: 'PRICE_FILTER',
          minPrice: (10 ** -spec.priceDecimals).toFixed(spec.priceDecimals),
          maxPrice: maxPrice.toFixed(2),
          tickSize: (10 ** -spec.priceDecimals).toFixed(spec.priceDecimals),
        },
        {
          filterType: 'LOT_SIZE',
          minQty: spec.minAmount.toFixed(spec.amountDecimals),
          maxQty: maxQty.toFixed(8),
          stepSize: (10 ** -spec.amountDecimals).toFixed(spec.amountDecimals),
        },
        {
          filterType: 'NOTIONAL',
          minNotional: '5.00',
          applyMinToMarket: true,
          maxNotional: '9000000.00',
          applyMaxToMarket: false,
          avgPriceMins: 5,
        },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    })),
  };
}

/** A `24hrTicker` of the REST API. */
export function binanceTicker(
  state: MarketState,
  book: { bids: [number, number][]; asks: [number, number][] },
  nowMs: number,
): Record<string, unknown> {
  const d = state.spec.priceDecimals;
  const a = state.spec.amountDecimals;
  const change = state.price - state.open;
  return {
    symbol: state.spec.id,
    priceChange: change.toFixed(d),
    priceChangePercent: ((change / state.open) * 100).toFixed(3),
    weightedAvgPrice: state.price.toFixed(d),
    prevClosePrice: state.open.toFixed(d),
    lastPrice: state.price.toFixed(d),
    lastQty: state.spec.minAmount.toFixed(a),
    bidPrice: book.bids[0]![0].toFixed(d),
    bidQty: book.bids[0]![1].toFixed(a),
    askPrice: book.asks[0]![0].toFixed(d),
    askQty: book.asks[0]![1].toFixed(a),
    openPrice: state.open.toFixed(d),
    highPrice: state.high.toFixed(d),
    lowPrice: state.low.toFixed(d),
    volume: state.volume.toFixed(a),
    quoteVolume: (state.volume * state.price).toFixed(d),
    openTime: nowMs - 86_400_000,
    closeTime: nowMs,
    firstId: 1,
    lastId: state.trades,
    count: state.trades,
  };
}

/** `GET /api/v3/account`: the balances, nothing locked. */
export function binanceAccount(
  balances: ReadonlyMap<string, number>,
  nowMs: number,
): Record<string, unknown> {
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: {
      maker: '0.00100000',
      taker: '0.00100000',
      buyer: '0.00000000',
      seller: '0.00000000',
    },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: nowMs,
    accountType: 'SPOT',
    balances: [...balances].map(([asset, free]) => ({
      asset,
      free: free.toFixed(8),
      locked: '0.00000000',
    })),
    permissions: ['SPOT'],
    uid: 1,
  };
}
