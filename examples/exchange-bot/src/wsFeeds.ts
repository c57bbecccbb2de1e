import type { BreakerRegistry } from '@breakwater/core';
import { binanceWsPreset, krakenWsPreset } from '@breakwater/exchanges';
import { type GuardOptions, guardWebSocket, type ResilientWebSocket } from '@breakwater/ws';
import WebSocket from 'ws';
import type { BreakerRow } from './report.ts';
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

/** The subscription the bare feed sends on every new connection. */
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
  registry: BreakerRegistry | undefined,
  log: (line: string) => void,
): MarketFeed[] {
  return (['kraken', 'binance'] as const).map((id) =>
    registry === undefined
      ? bareFeed(id, stage.wsUrl(id), clock)
      : guardedFeed(id, stage.wsUrl(id), clock, registry, log),
  );
}

/**
 * The exchanges' WebSocket presets: their ping, error frames, close codes and connect limits,
 * and the subscription, confirmed, on every connection.
 */
const presets: Record<ExchangeId, () => GuardOptions> = {
  kraken: () => krakenWsPreset({ subscriptions: [{ channel: 'ticker', symbol: ['BTC/USD'] }] }),
  binance: () => binanceWsPreset({ streams: ['btcusdt@ticker'] }),
};

/**
 * Seconds of silence before the guard pings, and before it gives the socket up. The presets
 * wait as the exchanges allow (Binance: 30 s, then 30 s more), longer than the demo's whole
 * silent-socket incident; a bot may ask sooner, as this one does.
 */
const heartbeat = { ping: 'idle', intervalMs: 2_000, timeoutMs: 2_000 } as const;

/**
 * The Breakwater feed: the exchange's preset for `guardWebSocket()` (reconnects with backoff
 * through a breaker, a bound on connects, a heartbeat that notices a socket gone silent).
 */
function guardedFeed(
  exchange: ExchangeId,
  url: string,
  clock: ScaledClock,
  registry: BreakerRegistry,
  log: (line: string) => void,
): MarketFeed {
  let connects = 0;
  let lastMessage = clock.monotonic();
  const guard: ResilientWebSocket = guardWebSocket(() => new WebSocket(url), {
    ...presets[exchange](),
    name: `${exchange} stream`,
    clock,
    breaker: registry.get(`${exchange}:sim:stream`),
    heartbeat,
    // A connection whose subscription is not confirmed this soon is given up and retried.
    connectTimeoutMs: 3_000,
  });
  guard.on('open', ({ reason }) => {
    connects++;
    if (reason !== 'initial') log(`${exchange} stream open again (${reason})`);
  });
  guard.on('close', ({ cause, code, willReconnect }) => {
    if (cause !== 'closed') {
      log(
        `${exchange} stream lost (${cause}, ${code}); ${willReconnect ? 'reconnecting' : 'halted'}`,
      );
    }
  });
  guard.on('message', () => {
    lastMessage = clock.monotonic();
  });
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
        state: guard.state === 'open' ? connected(clock.monotonic() - lastMessage) : guard.state,
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
  let lastMessage = clock.monotonic();
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
    ws.on('message', () => {
      lastMessage = clock.monotonic();
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
      state:
        socket?.readyState === WebSocket.OPEN
          ? connected(clock.monotonic() - lastMessage)
          : 'reconnecting',
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

/** `connected`, or `silent 4.2 s` when nothing came for over two seconds (story time). */
function connected(quietMs: number): string {
  return quietMs > 2_000 ? `silent ${(quietMs / 1000).toFixed(1)} s` : 'connected';
}
