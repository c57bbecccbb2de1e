import type { MarketState, SimMarket } from '../SimMarket.ts';
import type { StreamClient, StreamProtocol, StreamSystem } from '../ws/StreamProtocol.ts';

/** Channels the simulator streams; Kraken has more (`book`, `ohlc`, `instrument`, …). */
const channels = new Set(['ticker', 'trade']);

const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

function tickerOf(state: MarketState, market: SimMarket): Record<string, unknown> {
  const { bids, asks } = market.book(state, 1);
  return {
    symbol: state.spec.symbol,
    bid: bids[0]![0],
    bid_qty: bids[0]![1],
    ask: asks[0]![0],
    ask_qty: asks[0]![1],
    last: state.price,
    volume: state.volume,
    vwap: state.price,
    low: state.low,
    high: state.high,
    change: state.price - state.open,
    change_pct: Math.round(((state.price - state.open) / state.open) * 10_000) / 100,
  };
}

function tradeOf(state: MarketState, nowMs: number): Record<string, unknown> {
  return {
    symbol: state.spec.symbol,
    side: state.trades % 2 === 0 ? 'buy' : 'sell',
    price: state.price,
    qty: state.spec.minAmount,
    ord_type: 'market',
    trade_id: state.trades,
    timestamp: iso(nowMs),
  };
}

/** Kraken's `status` channel: sent on connect and whenever the engine's state changes. */
function sendStatus(client: StreamClient, system: StreamSystem): void {
  client.send({
    channel: 'status',
    type: 'update',
    data: [{ api_version: 'v2', connection_id: client.seq, system, version: '2.0.10' }],
  });
}

/**
 * Kraken's spot WebSocket v2 (`wss://ws.kraken.com/v2`): a `status` message on connect and
 * on every change of the engine's state (`maintenance`, `cancel_only`),
 * `subscribe`/`unsubscribe` acknowledged per symbol, `ticker` and `trade` snapshots then
 * updates, a `heartbeat` each tick while subscribed, and `{"method":"ping"}` answered with
 * `pong`. Kraken sends no protocol pings.
 * @see {@link https://docs.kraken.com/api/docs/websocket-v2/ticker}
 */
export function krakenStream(): StreamProtocol {
  const reply = (
    client: StreamClient,
    request: Record<string, unknown>,
    nowMs: number,
    fields: Record<string, unknown>,
  ) =>
    client.send({
      method: request.method,
      ...fields,
      ...(request.req_id === undefined ? {} : { req_id: request.req_id }),
      time_in: iso(nowMs),
      time_out: iso(nowMs),
    });

  function subscription(
    client: StreamClient,
    request: Record<string, unknown>,
    market: SimMarket,
    nowMs: number,
  ): void {
    const params = (request.params ?? {}) as { channel?: unknown; symbol?: unknown };
    const channel = params.channel;
    if (typeof channel !== 'string' || !channels.has(channel)) {
      reply(client, request, nowMs, {
        success: false,
        error: `Channel ${String(channel)} not found`,
      });
      return;
    }
    if (!Array.isArray(params.symbol)) {
      reply(client, request, nowMs, { success: false, error: 'Pair field must be an array' });
      return;
    }
    const subscribe = request.method === 'subscribe';
    for (const symbol of params.symbol as unknown[]) {
      const state = typeof symbol === 'string' ? market.markets.get(symbol) : undefined;
      if (state === undefined) {
        reply(client, request, nowMs, {
          success: false,
          symbol,
          error: `Currency pair not supported ${String(symbol)}`,
        });
        continue;
      }
      const key = `${channel}:${state.spec.symbol}`;
      if (subscribe && client.subscriptions.has(key)) {
        reply(client, request, nowMs, { success: false, symbol, error: 'Already subscribed' });
        continue;
      }
      if (subscribe) client.subscriptions.set(key, state);
      else client.subscriptions.delete(key);
      reply(client, request, nowMs, {
        result: { channel, symbol: state.spec.symbol, ...(subscribe ? { snapshot: true } : {}) },
        success: true,
      });
      if (!subscribe) continue;
      client.subscribed();
      const data = channel === 'ticker' ? tickerOf(state, market) : tradeOf(state, nowMs);
      client.send({ channel, type: 'snapshot', data: [data] });
    }
  }

  return {
    accepts: (url) => url.pathname === '/v2',
    opened: (client, _url, _market, system) => sendStatus(client, system),
    systemChanged: sendStatus,
    message(client, text, market, nowMs) {
      let request: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
        request = parsed as Record<string, unknown>;
      } catch {
        client.send({ error: 'Malformed request', success: false });
        return;
      }
      switch (request.method) {
        case 'ping':
          reply(client, { ...request, method: 'pong' }, nowMs, {});
          return;
        case 'subscribe':
        case 'unsubscribe':
          subscription(client, request, market, nowMs);
          return;
        default:
          reply(client, request, nowMs, { success: false, error: 'Method not found' });
      }
    },
    tick(client, market, nowMs) {
      if (client.subscriptions.size === 0) return;
      for (const [key, value] of client.subscriptions) {
        const state = value as MarketState;
        const channel = key.slice(0, key.indexOf(':'));
        const data = channel === 'ticker' ? tickerOf(state, market) : tradeOf(state, nowMs);
        client.send({ channel, type: 'update', data: [data] });
      }
      client.send({ channel: 'heartbeat' });
    },
  };
}
