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
import {
  binanceAccount,
  binanceExchangeInfo,
  binanceOrder,
  binanceTicker,
  maxPrice,
  maxQty,
} from './binanceFormats.ts';
import { binanceWeight } from './binanceMarkets.ts';
import { binanceStream } from './binanceStream.ts';

const json = (json: unknown, status = 200): SimReply => ({ status, json });
/** A 5xx from CloudFront in front of Binance. */
const stormReply = (status = 502): SimReply => ({ status, html: htmlPage(status, 'CloudFront') });
const missing = (name: string): SimReply =>
  fail(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
const fail = (status: number, code: number, msg: string): SimReply => ({
  status,
  json: { code, msg },
});

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
    // An order the storm lets through to be placed gets its 5xx after placing (in placeOrder).
    const placing = method === 'POST' && path === '/api/v3/order';
    if (storm !== undefined && !(storm.orderPlaced === true && placing)) {
      return stormReply(storm.status);
    }
    const limited = timeline.active('binance', 'rateLimited', group);
    if (limited !== undefined) return rateLimited(limited.retryAfterMs ?? 30_000);
    return undefined;
  }

  /** When `order` was placed, in epoch ms of the simulator's clock. */
  const placedAt = (order: HeldOrder): number =>
    clock.now() - (timeline.elapsedMs() - order.placedAtMs);

  function symbolOf(params: Readonly<Record<string, string>>): MarketState | undefined {
    return params.symbol === undefined ? undefined : market.byId(params.symbol);
  }

  function placeOrder(params: Readonly<Record<string, string>>): SimReply {
    if (params.symbol === undefined) return missing('symbol');
    const state = symbolOf(params);
    if (state === undefined) return fail(400, -1121, 'Invalid symbol.');
    const side = params.side?.toLowerCase();
    const type = params.type?.toLowerCase();
    for (const name of ['side', 'type', 'quantity'] as const) {
      if (params[name] === undefined) {
        return missing(name);
      }
    }
    if ((side !== 'buy' && side !== 'sell') || (type !== 'limit' && type !== 'market')) {
      return fail(400, -1116, 'Invalid orderType.');
    }
    const amount = Number(params.quantity);
    // The bounds of the LOT_SIZE and PRICE_FILTER filters `exchangeInfo` lists.
    if (!(amount >= state.spec.minAmount && amount <= maxQty)) {
      return fail(400, -1013, 'Filter failure: LOT_SIZE');
    }
    const price = type === 'limit' ? Number(params.price) : undefined;
    if (price !== undefined && !(price > 0 && price <= maxPrice))
      return fail(400, -1013, 'Filter failure: PRICE_FILTER');
    const clientOrderId = params.newClientOrderId;
    if (market.seen(clientOrderId)) {
      stats.counts.duplicateOrders++;
      const existing = market.find(undefined, clientOrderId);
      // Binance refuses a client order id that an open order already uses.
      if (existing?.status === 'open') return fail(400, -2010, 'Duplicate order sent.');
    }
    const storm = timeline.active('binance', 'serverErrors', 'order');
    const failed = storm?.orderPlaced === true;
    const withheld = failed || timeline.active('binance', 'orderTimeout', 'order') !== undefined;
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
    if (failed) return stormReply(storm.status);
    if (withheld) return { status: 200, hang: true };
    const body = binanceOrder(order, state, placedAt(order));
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

  function route(request: SimRequest): SimReply {
    const { params } = request;
    switch (`${request.method} ${request.path}`) {
      case 'GET /api/v3/ping':
        return json({});
      case 'GET /api/v3/time':
        return json({ serverTime: clock.now() });
      case 'GET /api/v3/exchangeInfo':
        return json(binanceExchangeInfo(clock.now()));
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
        return json(binanceAccount(market.balances, clock.now()));
      case 'POST /api/v3/order':
        return placeOrder(params);
      case 'GET /api/v3/order': {
        const order = findOrder(params);
        if (order === undefined) return fail(400, -2013, 'Order does not exist.');
        return json(binanceOrder(order, market.markets.get(order.symbol)!, placedAt(order)));
      }
      case 'DELETE /api/v3/order': {
        const order = findOrder(params);
        if (order === undefined || order.status !== 'open')
          return fail(400, -2011, 'Unknown order sent.');
        order.status = 'canceled';
        return json({
          ...binanceOrder(order, market.markets.get(order.symbol)!, placedAt(order)),
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
            .map((order) =>
              binanceOrder(order, market.markets.get(order.symbol)!, placedAt(order)),
            ),
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
    groupOf,
    handle(request: SimRequest): SimReply {
      const group = groupOf(request);
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

  function groupOf(request: SimRequest): EndpointGroup {
    const url = new URL(request.path, 'http://sim');
    return binanceEndpoint(url, request.method, request.headers as Record<string, string>).group;
  }

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
        return missing(name);
      }
    }
    return undefined;
  }
}
