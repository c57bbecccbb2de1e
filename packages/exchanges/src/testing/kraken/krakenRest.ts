import { krakenEndpoint } from '../../kraken/endpoints.ts';
import type { EndpointGroup } from '../../types.ts';
import type { HeldOrder, MarketState } from '../SimMarket.ts';
import type { KrakenSimOptions } from '../types.ts';
import {
  htmlPage,
  type SimReply,
  type SimRequest,
  type Venue,
  type VenueContext,
} from '../Venue.ts';
import {
  krakenAssetInfo,
  krakenAssetPairs,
  krakenOrder,
  krakenTicker,
  txid,
} from './krakenFormats.ts';
import type { krakenMarkets } from './krakenMarkets.ts';
import { krakenStream } from './krakenStream.ts';

/** A 5xx from Cloudflare in front of Kraken. */
const stormReply = (status = 502): SimReply => ({ status, html: htmlPage(status, 'cloudflare') });
const ok = (result: unknown): SimReply => ({ status: 200, json: { error: [], result } });
const error = (...errors: string[]): SimReply => ({ status: 200, json: { error: errors } });

/** Private calls that cost 2 on the counter: "Ledger/trade history calls increase the counter by 2". */
const historyCalls = new Set(['Ledgers', 'QueryLedgers', 'TradesHistory']);

interface Counter {
  count: number;
  atMs: number;
}

/**
 * Kraken spot REST (`/0/public/*`, `/0/private/*`) in its real format: every answer HTTP 200
 * with `{ error: [], result }`, errors as `EClass:Message` strings. Signatures (`API-Sign`) are
 * accepted without being checked.
 */
export function krakenVenue(context: VenueContext, options: Required<KrakenSimOptions>): Venue {
  const { market, timeline, stats, clock } = context;
  const counters = new Map<string, Counter>();

  const fmt = (state: MarketState, value: number) => value.toFixed(state.spec.priceDecimals);
  const vol = (state: MarketState, value: number) => value.toFixed(state.spec.amountDecimals);

  /** The private counter: `true` when the call would pass the maximum. */
  function overCounter(key: string, cost: number): boolean {
    const limit = options.privateCounter;
    if (limit === false) return false;
    const now = timeline.elapsedMs();
    const counter = counters.get(key) ?? { count: 0, atMs: now };
    const decayed = Math.max(
      0,
      counter.count - ((now - counter.atMs) / 1000) * limit.decayPerSecond,
    );
    const over = decayed + cost > limit.maxCount;
    counters.set(key, { count: over ? decayed : decayed + cost, atMs: now });
    return over;
  }

  function incidentReply(group: EndpointGroup, method: string): SimReply | undefined {
    if (timeline.active('kraken', 'ban', group) !== undefined) {
      stats.counts.bannedRequests++;
      return error('EGeneral:Temporary lockout');
    }
    const maintenance = timeline.active('kraken', 'maintenance');
    if (maintenance !== undefined && method !== 'SystemStatus' && method !== 'Time') {
      const mode = maintenance.mode ?? 'maintenance';
      if (mode === 'maintenance') return error('EService:Unavailable');
      if (method === 'AddOrder' || method === 'AddOrderBatch' || method === 'EditOrder') {
        return error('EService:Market in cancel_only mode');
      }
    }
    const storm = timeline.active('kraken', 'serverErrors', group);
    // An order the storm lets through to be placed gets its 5xx after placing (in addOrder).
    if (storm !== undefined && !(storm.orderPlaced === true && method === 'AddOrder')) {
      return stormReply(storm.status);
    }
    if (timeline.active('kraken', 'rateLimited', group) !== undefined) {
      stats.counts.rateLimited++;
      return error(group === 'order' ? 'EOrder:Rate limit exceeded' : 'EAPI:Rate limit exceeded');
    }
    return undefined;
  }

  /** When `order` was placed, in epoch ms of the simulator's clock. */
  const placedAt = (order: HeldOrder): number =>
    clock.now() - (timeline.elapsedMs() - order.placedAtMs);

  function pairOf(params: Readonly<Record<string, string>>): MarketState | undefined {
    const pair = params.pair;
    if (pair === undefined) return undefined;
    for (const state of market.markets.values()) {
      const spec = state.spec as (typeof krakenMarkets)[number];
      if (
        pair === spec.id ||
        pair === spec.altname ||
        pair === spec.wsname ||
        pair === spec.symbol
      ) {
        return state;
      }
    }
    return undefined;
  }

  function addOrder(params: Readonly<Record<string, string>>): SimReply {
    const state = pairOf(params);
    if (state === undefined) return error('EQuery:Unknown asset pair');
    const amount = Number(params.volume);
    const type = params.ordertype;
    const side = params.type;
    if (!(amount > 0 && Number.isFinite(amount)) || (side !== 'buy' && side !== 'sell')) {
      return error('EGeneral:Invalid arguments');
    }
    if (type !== 'limit' && type !== 'market') return error('EGeneral:Invalid arguments:ordertype');
    if (amount < state.spec.minAmount) return error('EOrder:Order minimum not met');
    const price = type === 'limit' ? Number(params.price) : undefined;
    if (price !== undefined && !(price > 0 && Number.isFinite(price))) {
      return error('EGeneral:Invalid arguments:price');
    }
    const clientOrderId =
      params.cl_ord_id ?? (params.userref === undefined ? undefined : params.userref);
    if (market.seen(clientOrderId)) stats.counts.duplicateOrders++;
    const storm = timeline.active('kraken', 'serverErrors', 'order');
    const failed = storm?.orderPlaced === true;
    const withheld = failed || timeline.active('kraken', 'orderTimeout', 'order') !== undefined;
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
      txid,
    );
    stats.counts.ordersPlaced++;
    if (failed) return stormReply(storm.status);
    if (withheld) return { status: 200, hang: true };
    return ok({
      descr: {
        order: (
          krakenOrder(order, market.markets.get(order.symbol)!, placedAt(order)).descr as {
            order: string;
          }
        ).order,
      },
      txid: [order.id],
    });
  }

  function ordersById(ids: string | undefined, clientOrderId?: string): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const wanted = ids?.split(',').map((id) => id.trim());
    for (const order of market.orders) {
      const byId = wanted?.includes(order.id) ?? false;
      const byClient = clientOrderId !== undefined && order.clientOrderId === clientOrderId;
      if (byId || byClient)
        result[order.id] = krakenOrder(order, market.markets.get(order.symbol)!, placedAt(order));
    }
    return result;
  }

  function publicCall(method: string, params: Readonly<Record<string, string>>): SimReply {
    switch (method) {
      case 'Time': {
        const now = clock.now();
        return ok({ unixtime: Math.floor(now / 1000), rfc1123: new Date(now).toUTCString() });
      }
      case 'SystemStatus': {
        const maintenance = timeline.active('kraken', 'maintenance');
        return ok({
          status: maintenance === undefined ? 'online' : (maintenance.mode ?? 'maintenance'),
          timestamp: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        });
      }
      case 'Assets':
        return ok(krakenAssetInfo());
      case 'AssetPairs':
        return ok(krakenAssetPairs());
      case 'Ticker': {
        const states = params.pair === undefined ? [...market.markets.values()] : [pairOf(params)];
        if (states.some((state) => state === undefined)) return error('EQuery:Unknown asset pair');
        return ok(
          Object.fromEntries(
            (states as MarketState[]).map((state) => {
              return [state.spec.id, krakenTicker(state, market.book(state, 1))];
            }),
          ),
        );
      }
      case 'Depth': {
        const state = pairOf(params);
        if (state === undefined) return error('EQuery:Unknown asset pair');
        const count = Math.min(500, Math.max(1, Number(params.count ?? 100) || 100));
        const { bids, asks } = market.book(state, count);
        const at = Math.floor(clock.now() / 1000);
        const levels = (side: [number, number][]) =>
          side.map(([price, amount]) => [fmt(state, price), vol(state, amount), at]);
        return ok({ [state.spec.id]: { asks: levels(asks), bids: levels(bids) } });
      }
      default:
        return error('EGeneral:Unknown method');
    }
  }

  function privateCall(method: string, params: Readonly<Record<string, string>>): SimReply {
    switch (method) {
      case 'Balance':
        return ok(
          Object.fromEntries(
            [...market.balances].map(([asset, amount]) => [asset, amount.toFixed(4)]),
          ),
        );
      case 'BalanceEx':
        return ok(
          Object.fromEntries(
            [...market.balances].map(([asset, amount]) => [
              asset,
              { balance: amount.toFixed(4), hold_trade: '0.0000' },
            ]),
          ),
        );
      case 'AddOrder':
        return addOrder(params);
      case 'CancelOrder': {
        const order = market.find(params.txid, params.cl_ord_id);
        if (order === undefined || order.status !== 'open') return error('EOrder:Unknown order');
        order.status = 'canceled';
        return ok({ count: 1 });
      }
      case 'QueryOrders':
        return ok(ordersById(params.txid, params.cl_ord_id));
      case 'OpenOrders':
      case 'ClosedOrders': {
        const open = method === 'OpenOrders';
        const result: Record<string, unknown> = {};
        for (const order of market.orders) {
          if ((order.status === 'open') !== open) continue;
          if (params.cl_ord_id !== undefined && order.clientOrderId !== params.cl_ord_id) continue;
          result[order.id] = krakenOrder(order, market.markets.get(order.symbol)!, placedAt(order));
        }
        return ok(open ? { open: result } : { closed: result, count: Object.keys(result).length });
      }
      default:
        return error('EGeneral:Unknown method');
    }
  }

  return {
    id: 'kraken',
    hosts: [
      'api.kraken.com',
      'ws.kraken.com',
      'ws-auth.kraken.com',
      'beta-ws.kraken.com',
      'beta-ws-auth.kraken.com',
    ],
    wsPath: '/v2',
    stream: krakenStream(),
    groupOf: (request) => krakenEndpoint(new URL(request.path, 'http://sim'), request.method).group,
    handle(request: SimRequest): SimReply {
      const match = /^\/0\/(public|private)\/([A-Za-z]+)$/.exec(request.path);
      if (match === null) return { status: 404, html: htmlPage(404, 'cloudflare') };
      const [, access, method] = match as unknown as [string, 'public' | 'private', string];
      const { group } = krakenEndpoint(new URL(request.path, 'http://sim'), request.method);
      const incident = incidentReply(group, method);
      if (incident !== undefined) return incident;
      if (access === 'public') return publicCall(method, request.params);
      if (request.method !== 'POST') return error('EGeneral:Invalid arguments');
      const key = request.headers['api-key'];
      if (
        typeof key !== 'string' ||
        key === '' ||
        typeof request.headers['api-sign'] !== 'string'
      ) {
        return error('EAPI:Invalid key');
      }
      if (request.params.nonce === undefined) return error('EAPI:Invalid nonce');
      // Orders go to the trading engine's own per-pair counter; the REST counter skips them.
      if (group !== 'order' && overCounter(key, historyCalls.has(method) ? 2 : 1)) {
        stats.counts.rateLimited++;
        return error('EAPI:Rate limit exceeded');
      }
      return privateCall(method, request.params);
    },
  };
}
