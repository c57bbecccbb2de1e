import { binanceEndpoint } from '../../binance/endpoints.ts';
import type { EndpointGroup } from '../../types.ts';
import type { HeldOrder, MarketState } from '../SimMarket.ts';
import {
  htmlPage,
  type SimReply,
  type SimRequest,
  type Venue,
  type VenueContext,
} from '../Venue.ts';
import type { BinanceWeight } from './BinanceWeight.ts';
import { binanceMarkets, binanceWeight } from './binanceMarkets.ts';
import { binanceStream } from './binanceStream.ts';

const json = (json: unknown, status = 200): SimReply => ({ status, json });
const fail = (status: number, code: number, msg: string): SimReply => ({
  status,
  json: { code, msg },
});

const statusName = { open: 'NEW', filled: 'FILLED', canceled: 'CANCELED' } as const;

/** Spot paths that need a signature (`SIGNED`), the rest of the simulator's `/api` is public. */
const signedPaths = new Set(['/api/v3/account', '/api/v3/order', '/api/v3/openOrders']);

/**
 * Binance spot REST (`/api/v3/*`, the `/sapi` calls ccxt makes while loading markets, empty
 * futures `exchangeInfo`s) in its real format: `{ code, msg }` errors with their HTTP statuses,
 * request weight per IP with `X-MBX-USED-WEIGHT-1M`, 429 then 418 bans. `X-MBX-APIKEY` and
 * `signature` must be present; the signature is not checked.
 */
export function binanceVenue(
  context: VenueContext,
  weight: BinanceWeight | undefined,
  pingOptions: { intervalMs: number; timeoutMs: number },
): Venue {
  const { market, timeline, stats, clock } = context;
  const fmt = (state: MarketState, value: number) => value.toFixed(state.spec.priceDecimals);
  const qty = (state: MarketState, value: number) => value.toFixed(state.spec.amountDecimals);

  const banned = (untilMs: number): SimReply => {
    stats.counts.bannedRequests++;
    return {
      status: 418,
      headers: { 'retry-after': String(Math.max(1, Math.ceil((untilMs - clock.now()) / 1000))) },
      json: {
        code: -1003,
        msg: `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.`,
      },
    };
  };

  const rateLimited = (retryAfterMs: number, used?: number): SimReply => {
    stats.counts.rateLimited++;
    return {
      status: 429,
      headers: {
        'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
        ...(used === undefined ? {} : { 'x-mbx-used-weight-1m': String(used) }),
      },
      json: {
        code: -1003,
        msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
      },
    };
  };

  function incidentReply(group: EndpointGroup, method: string, path: string): SimReply | undefined {
    if (timeline.active('binance', 'ban', group) !== undefined) {
      const remaining = timeline.remainingMs('binance', 'ban') ?? 0;
      return banned(clock.now() + remaining);
    }
    const maintenance = timeline.active('binance', 'maintenance');
    if (maintenance !== undefined && path !== '/sapi/v1/system/status') {
      const mode = maintenance.mode ?? 'maintenance';
      if (mode === 'maintenance' || (method === 'POST' && path === '/api/v3/order')) {
        // The answer ccxt's Binance error map records for maintenance (`OnMaintenance`).
        return fail(503, 1, 'System is under maintenance.');
      }
    }
    const storm = timeline.active('binance', 'serverErrors', group);
    if (storm !== undefined) {
      const status = storm.status ?? 502;
      return { status, html: htmlPage(status, 'CloudFront') };
    }
    const limited = timeline.active('binance', 'rateLimited', group);
    if (limited !== undefined) return rateLimited(limited.retryAfterMs ?? 30_000);
    return undefined;
  }

  function symbolOf(params: Readonly<Record<string, string>>): MarketState | undefined {
    return params.symbol === undefined ? undefined : market.byId(params.symbol);
  }

  function orderJson(order: HeldOrder, state: MarketState): Record<string, unknown> {
    const filled = order.status === 'filled';
    const price = order.price ?? state.price;
    const placedAt = clock.now() - (timeline.elapsedMs() - order.placedAtMs);
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
      timeInForce: order.type === 'limit' ? 'GTC' : 'GTC',
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

  function placeOrder(params: Readonly<Record<string, string>>): SimReply {
    const state = symbolOf(params);
    if (state === undefined) return fail(400, -1121, 'Invalid symbol.');
    const side = params.side?.toLowerCase();
    const type = params.type?.toLowerCase();
    for (const name of ['side', 'type', 'quantity'] as const) {
      if (params[name] === undefined) {
        return fail(
          400,
          -1102,
          `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
        );
      }
    }
    if ((side !== 'buy' && side !== 'sell') || (type !== 'limit' && type !== 'market')) {
      return fail(400, -1116, 'Invalid orderType.');
    }
    const amount = Number(params.quantity);
    if (!(amount >= state.spec.minAmount)) return fail(400, -1013, 'Filter failure: LOT_SIZE');
    const price = type === 'limit' ? Number(params.price) : undefined;
    if (price !== undefined && !(price > 0))
      return fail(400, -1013, 'Filter failure: PRICE_FILTER');
    const clientOrderId = params.newClientOrderId;
    if (market.seen(clientOrderId)) {
      stats.counts.duplicateOrders++;
      const existing = market.find(undefined, clientOrderId);
      // Binance refuses a client order id that an open order already uses.
      if (existing?.status === 'open') return fail(400, -2010, 'Duplicate order sent.');
    }
    const withheld = timeline.active('binance', 'orderTimeout', 'order') !== undefined;
    const order = market.place(
      {
        clientOrderId,
        symbol: state.spec.symbol,
        side,
        type,
        amount,
        price,
        placedAtMs: timeline.elapsedMs(),
        answerWithheld: withheld,
      },
      (seq) => String(1_000_000 + seq),
    );
    stats.counts.ordersPlaced++;
    if (withheld) return { status: 200, hang: true };
    const body = orderJson(order, state);
    return json({
      ...body,
      transactTime: body.time,
      fills:
        order.status === 'filled'
          ? [
              {
                price: fmt(state, state.price),
                qty: qty(state, amount),
                commission: '0',
                commissionAsset: state.spec.quote,
                tradeId: order.seq,
              },
            ]
          : [],
    });
  }

  function findOrder(params: Readonly<Record<string, string>>): HeldOrder | undefined {
    const order = market.find(params.orderId, params.origClientOrderId);
    return order !== undefined && market.markets.get(order.symbol)?.spec.id === params.symbol
      ? order
      : undefined;
  }

  function exchangeInfo(): SimReply {
    return json({
      timezone: 'UTC',
      serverTime: clock.now(),
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
            maxPrice: '1000000.00',
            tickSize: (10 ** -spec.priceDecimals).toFixed(spec.priceDecimals),
          },
          {
            filterType: 'LOT_SIZE',
            minQty: spec.minAmount.toFixed(spec.amountDecimals),
            maxQty: '9000.00000000',
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
    });
  }

  function route(request: SimRequest): SimReply {
    const { params } = request;
    switch (`${request.method} ${request.path}`) {
      case 'GET /api/v3/ping':
        return json({});
      case 'GET /api/v3/time':
        return json({ serverTime: clock.now() });
      case 'GET /api/v3/exchangeInfo':
        return exchangeInfo();
      case 'GET /fapi/v1/exchangeInfo':
      case 'GET /dapi/v1/exchangeInfo':
        return json({
          timezone: 'UTC',
          serverTime: clock.now(),
          rateLimits: [],
          exchangeFilters: [],
          assets: [],
          symbols: [],
        });
      case 'GET /sapi/v1/system/status': {
        const maintenance = timeline.active('binance', 'maintenance');
        return json(
          maintenance === undefined
            ? { status: 0, msg: 'normal' }
            : { status: 1, msg: 'system maintenance' },
        );
      }
      case 'GET /sapi/v1/capital/config/getall':
      case 'GET /sapi/v1/margin/allPairs':
      case 'GET /sapi/v1/margin/isolated/allPairs':
        return json([]);
      case 'GET /api/v3/ticker/24hr': {
        const states =
          params.symbol === undefined ? [...market.markets.values()] : [symbolOf(params)];
        if (states.some((state) => state === undefined)) return fail(400, -1121, 'Invalid symbol.');
        const tickers = (states as MarketState[]).map((state) =>
          binanceTicker(state, market.book(state, 1), clock.now()),
        );
        return json(params.symbol === undefined ? tickers : tickers[0]);
      }
      case 'GET /api/v3/depth': {
        const state = symbolOf(params);
        if (state === undefined) return fail(400, -1121, 'Invalid symbol.');
        const limit = Math.min(5000, Math.max(1, Number(params.limit ?? 100) || 100));
        const { bids, asks } = market.book(state, limit);
        const levels = (side: [number, number][]) =>
          side.map(([p, q]) => [fmt(state, p), qty(state, q)]);
        return json({ lastUpdateId: state.trades + 1, bids: levels(bids), asks: levels(asks) });
      }
      case 'GET /api/v3/account':
        return json({
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
          updateTime: clock.now(),
          accountType: 'SPOT',
          balances: [...market.balances].map(([asset, free]) => ({
            asset,
            free: free.toFixed(8),
            locked: '0.00000000',
          })),
          permissions: ['SPOT'],
          uid: 1,
        });
      case 'POST /api/v3/order':
        return placeOrder(params);
      case 'GET /api/v3/order': {
        const order = findOrder(params);
        if (order === undefined) return fail(400, -2013, 'Order does not exist.');
        return json(orderJson(order, market.markets.get(order.symbol)!));
      }
      case 'DELETE /api/v3/order': {
        const order = findOrder(params);
        if (order === undefined || order.status !== 'open')
          return fail(400, -2011, 'Unknown order sent.');
        order.status = 'canceled';
        return json({
          ...orderJson(order, market.markets.get(order.symbol)!),
          origClientOrderId: order.clientOrderId,
        });
      }
      case 'GET /api/v3/openOrders': {
        const state = params.symbol === undefined ? undefined : symbolOf(params);
        if (params.symbol !== undefined && state === undefined)
          return fail(400, -1121, 'Invalid symbol.');
        return json(
          market.orders
            .filter(
              (order) =>
                order.status === 'open' &&
                (state === undefined || order.symbol === state.spec.symbol),
            )
            .map((order) => orderJson(order, market.markets.get(order.symbol)!)),
        );
      }
      default:
        return { status: 404, html: htmlPage(404, 'CloudFront') };
    }
  }

  return {
    id: 'binance',
    hosts: [
      'api.binance.com',
      'fapi.binance.com',
      'dapi.binance.com',
      'eapi.binance.com',
      'papi.binance.com',
      'stream.binance.com',
      'fstream.binance.com',
      'dstream.binance.com',
      'ws-api.binance.com',
    ],
    wsPath: '/ws',
    stream: binanceStream(pingOptions),
    handle(request: SimRequest): SimReply {
      const url = new URL(request.path, 'http://sim');
      const { group } = binanceEndpoint(
        url,
        request.method,
        request.headers as Record<string, string>,
      );
      const spot = request.path.startsWith('/api/');
      // The weight is spent first: a request answered by an incident still costs it.
      const decision =
        spot && weight !== undefined
          ? weight.spend(request.ip, binanceWeight(request.method, request.path, request.params))
          : undefined;
      if (decision?.kind === 'banned') {
        if (decision.newBan) stats.counts.bans++;
        return banned(decision.untilMs);
      }
      const usedHeader: Record<string, string> =
        decision === undefined ? {} : { 'x-mbx-used-weight-1m': String(decision.used) };
      if (decision?.kind === 'limited') return rateLimited(decision.retryAfterMs, decision.used);
      const reply =
        incidentReply(group, request.method, request.path) ?? authorise(request) ?? route(request);
      return { ...reply, headers: { ...usedHeader, ...reply.headers } };
    },
  };

  function authorise(request: SimRequest): SimReply | undefined {
    const signed =
      signedPaths.has(request.path) ||
      request.path.startsWith('/sapi/v1/capital') ||
      request.path.startsWith('/sapi/v1/margin');
    if (!signed) return undefined;
    const key = request.headers['x-mbx-apikey'];
    if (typeof key !== 'string' || key === '') return fail(401, -2014, 'API-key format invalid.');
    for (const name of ['timestamp', 'signature'] as const) {
      if (request.params[name] === undefined) {
        return fail(
          400,
          -1102,
          `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
        );
      }
    }
    return undefined;
  }
}

/** A `24hrTicker` of the REST API. */
function binanceTicker(
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
