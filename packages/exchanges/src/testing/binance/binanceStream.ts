import type { MarketState, SimMarket } from '../SimMarket.ts';
import type { StreamClient, StreamProtocol } from '../ws/StreamProtocol.ts';

type Kind = 'ticker' | 'miniTicker' | 'bookTicker' | 'trade';
const kinds = new Set<string>(['ticker', 'miniTicker', 'bookTicker', 'trade']);

interface Subscription {
  readonly state: MarketState | undefined;
  readonly kind: Kind;
}

function payload(sub: Subscription, market: SimMarket, nowMs: number): unknown {
  const state = sub.state!;
  const d = state.spec.priceDecimals;
  const a = state.spec.amountDecimals;
  const { bids, asks } = market.book(state, 1);
  const [bid, ask] = [bids[0]!, asks[0]!];
  switch (sub.kind) {
    case 'bookTicker':
      return {
        u: state.trades,
        s: state.spec.id,
        b: bid[0].toFixed(d),
        B: bid[1].toFixed(a),
        a: ask[0].toFixed(d),
        A: ask[1].toFixed(a),
      };
    case 'miniTicker':
      return {
        e: '24hrMiniTicker',
        E: nowMs,
        s: state.spec.id,
        c: state.price.toFixed(d),
        o: state.open.toFixed(d),
        h: state.high.toFixed(d),
        l: state.low.toFixed(d),
        v: state.volume.toFixed(a),
        q: (state.volume * state.price).toFixed(d),
      };
    case 'trade':
      return {
        e: 'trade',
        E: nowMs,
        s: state.spec.id,
        t: state.trades,
        p: state.price.toFixed(d),
        q: state.spec.minAmount.toFixed(a),
        T: nowMs,
        m: state.trades % 2 === 0,
        M: true,
      };
    default: {
      const change = state.price - state.open;
      return {
        e: '24hrTicker',
        E: nowMs,
        s: state.spec.id,
        p: change.toFixed(d),
        P: ((change / state.open) * 100).toFixed(3),
        w: state.price.toFixed(d),
        x: state.open.toFixed(d),
        c: state.price.toFixed(d),
        Q: state.spec.minAmount.toFixed(a),
        b: bid[0].toFixed(d),
        B: bid[1].toFixed(a),
        a: ask[0].toFixed(d),
        A: ask[1].toFixed(a),
        o: state.open.toFixed(d),
        h: state.high.toFixed(d),
        l: state.low.toFixed(d),
        v: state.volume.toFixed(a),
        q: (state.volume * state.price).toFixed(d),
        O: nowMs - 86_400_000,
        C: nowMs,
        F: 1,
        L: state.trades,
        n: state.trades,
      };
    }
  }
}

/**
 * Binance spot market streams (`wss://stream.binance.com:9443`): raw streams at `/ws` (and
 * `/ws/<stream>`), combined ones at `/stream?streams=a/b` wrapped in `{ stream, data }`;
 * `SUBSCRIBE`, `UNSUBSCRIBE` and `LIST_SUBSCRIPTIONS` with `id`s; `<symbol>@ticker`,
 * `@miniTicker`, `@bookTicker` and `@trade`. The server pings every `intervalMs`, ends every
 * connection after 24 hours, and drops one whose last pong is older than `timeoutMs`. A stream
 * of an unknown symbol is accepted and stays quiet.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams}
 */
export function binanceStream(ping: { intervalMs: number; timeoutMs: number }): StreamProtocol {
  const combined = new WeakSet<StreamClient>();

  function parse(name: string, market: SimMarket): Subscription | undefined {
    const at = name.indexOf('@');
    const kind = name.slice(at + 1);
    if (at <= 0 || !kinds.has(kind)) return undefined;
    return { state: market.byId(name.slice(0, at).toUpperCase()), kind: kind as Kind };
  }

  function subscribe(client: StreamClient, names: readonly string[], market: SimMarket): boolean {
    const parsed = names.map((name) => [name, parse(name, market)] as const);
    if (parsed.some(([, sub]) => sub === undefined)) return false;
    for (const [name, sub] of parsed) {
      client.subscriptions.set(name, sub);
      client.subscribed();
    }
    return true;
  }

  const send = (
    client: StreamClient,
    name: string,
    sub: Subscription,
    market: SimMarket,
    nowMs: number,
  ) => {
    if (sub.state === undefined) return;
    const data = payload(sub, market, nowMs);
    client.send(combined.has(client) ? { stream: name, data } : data);
  };

  return {
    serverPing: ping,
    // "A single connection to stream.binance.com is only valid for 24 hours; expect to be
    // disconnected at the 24 hour mark."
    maxLifetimeMs: 86_400_000,
    accepts: (url) =>
      url.pathname === '/ws' || url.pathname.startsWith('/ws/') || url.pathname === '/stream',
    opened(client, url, market) {
      if (url.pathname === '/stream') combined.add(client);
      const names =
        url.pathname === '/stream'
          ? (url.searchParams.get('streams') ?? '').split('/').filter((name) => name !== '')
          : url.pathname
              .slice('/ws/'.length)
              .split('/')
              .filter((name) => name !== '');
      subscribe(client, names, market);
    },
    message(client, text, market) {
      let request: { method?: unknown; params?: unknown; id?: unknown };
      try {
        request = JSON.parse(text);
      } catch (error) {
        client.send({ code: 3, msg: `Invalid JSON: ${(error as Error).message}` });
        return;
      }
      const id = request?.id;
      if (typeof request !== 'object' || request === null) {
        client.send({ code: 3, msg: 'Invalid JSON: expected an object' });
        return;
      }
      if (
        id !== undefined &&
        id !== null &&
        (typeof id !== 'number' || !Number.isInteger(id) || id < 0) &&
        typeof id !== 'string'
      ) {
        client.send({
          code: 2,
          msg: 'Invalid request: request ID must be an unsigned integer',
          id: null,
        });
        return;
      }
      const params = Array.isArray(request.params) ? (request.params as unknown[]) : undefined;
      switch (request.method) {
        case 'SUBSCRIBE':
        case 'UNSUBSCRIBE': {
          if (params === undefined || params.some((name) => typeof name !== 'string')) {
            client.send({ code: 1, msg: 'Invalid value type: expected an array of strings', id });
            return;
          }
          if (request.method === 'UNSUBSCRIBE') {
            for (const name of params as string[]) client.subscriptions.delete(name);
          } else if (!subscribe(client, params as string[], market)) {
            client.send({ code: 2, msg: `Invalid request: unknown stream name`, id });
            return;
          }
          client.send({ result: null, id });
          return;
        }
        case 'LIST_SUBSCRIPTIONS':
          client.send({ result: [...client.subscriptions.keys()], id });
          return;
        default:
          client.send({
            code: 2,
            msg: `Invalid request: unknown variant \`${String(request.method)}\``,
            id,
          });
      }
    },
    tick(client, market, nowMs) {
      for (const [name, sub] of client.subscriptions)
        send(client, name, sub as Subscription, market, nowMs);
    },
  };
}
