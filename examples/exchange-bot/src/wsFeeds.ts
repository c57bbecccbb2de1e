import type { BreakerRegistry } from '@breakwater/core';
import { guardWebSocket, type ResilientWebSocket } from '@breakwater/ws';
import WebSocket from 'ws';
import type { BotMode, BreakerRow } from './report.ts';
import type { ScaledClock } from './ScaledClock.ts';
import type { Stage } from './stage.ts';
import type { ExchangeId } from './timeline.ts';

/** One market-data stream of the bot. */
export interface MarketFeed {
  readonly exchange: ExchangeId;
  /** Connections opened so far. */
  readonly connects: number;
  row(): BreakerRow;
  close(): Promise<void>;
}

/** The subscription each exchange's stream expects, sent on every new connection. */
const subscriptions: Record<ExchangeId, string> = {
  kraken: JSON.stringify({
    method: 'subscribe',
    params: { channel: 'ticker', symbol: ['BTC/USD'] },
  }),
  binance: JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@ticker'], id: 1 }),
};

/** Both exchanges' ticker streams, guarded (Breakwater) or with a plain reconnect loop (bare). */
export function openMarketFeeds(
  stage: Stage,
  clock: ScaledClock,
  mode: BotMode,
  registry: BreakerRegistry | undefined,
): MarketFeed[] {
  return (['kraken', 'binance'] as const).map((id) =>
    registry === undefined || mode === 'bare'
      ? bareFeed(id, stage.wsUrl(id), clock)
      : guardedFeed(id, stage.wsUrl(id), clock, registry),
  );
}

/**
 * The Breakwater feed: reconnects with backoff through a breaker, a bound on connects, and a
 * heartbeat that notices a socket that stopped answering.
 */
function guardedFeed(
  exchange: ExchangeId,
  url: string,
  clock: ScaledClock,
  registry: BreakerRegistry,
): MarketFeed {
  let connects = 0;
  const guard: ResilientWebSocket = guardWebSocket(() => new WebSocket(url), {
    name: `${exchange} stream`,
    clock,
    breaker: registry.get(`${exchange}:sim:stream`),
    heartbeat: { intervalMs: 5_000, timeoutMs: 3_000 },
    resubscribe: ({ send }) => {
      send(subscriptions[exchange]);
    },
  });
  guard.on('open', () => connects++);
  const breaker = guard.breaker;
  return {
    exchange,
    get connects() {
      return connects;
    },
    row() {
      const { counters } = breaker.snapshot();
      return {
        name: `${exchange} stream (ws guard)`,
        state: guard.state === 'open' ? 'connected' : guard.state,
        calls: counters.calls,
        failures: counters.failures,
        fastFails: counters.rejected,
      };
    },
    close: () => guard.close(),
  };
}

/** The bare feed: reconnects one second after every close, and never checks the socket lives. */
function bareFeed(exchange: ExchangeId, url: string, clock: ScaledClock): MarketFeed {
  let connects = 0;
  let attempts = 0;
  let failures = 0;
  let closed = false;
  let socket: WebSocket | undefined;
  let timer: unknown;
  const connect = () => {
    attempts++;
    const ws = new WebSocket(url);
    socket = ws;
    ws.on('open', () => {
      connects++;
      ws.send(subscriptions[exchange]);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      failures++;
      if (!closed) timer = clock.setTimeout(connect, 1_000);
    });
  };
  connect();
  return {
    exchange,
    get connects() {
      return connects;
    },
    row: () => ({
      name: `${exchange} stream (ws)`,
      state: socket?.readyState === WebSocket.OPEN ? 'connected' : 'reconnecting',
      calls: attempts,
      failures,
      fastFails: 0,
    }),
    async close() {
      closed = true;
      clock.clearTimeout(timer);
      if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
      const done = new Promise((resolve) => socket?.once('close', resolve));
      socket.terminate();
      await done;
    },
  };
}
