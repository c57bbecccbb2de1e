import type { Clock } from '@breakwater/core';
import type { EndpointGroup } from '../types.ts';

/** The exchanges the simulator speaks: their REST and market-stream formats. */
export type SimExchangeId = 'kraken' | 'binance';

/** Options of {@link startExchangeSim}. */
export interface ExchangeSimOptions {
  /**
   * Which exchanges to start, each on its own loopback port (its own origin, as in production).
   * @defaultValue `['kraken', 'binance']`
   */
  exchanges?: readonly SimExchangeId[];
  /**
   * The clock that drives incidents, rate-limit windows, market ticks and pings: a
   * `ManualClock` in tests, so time moves only when the test says.
   * @defaultValue the system clock
   */
  clock?: Clock;
  /**
   * How often each subscribed market stream gets an update (and Kraken a heartbeat).
   * @defaultValue `1_000`
   */
  tickIntervalMs?: number;
  /** Kraken's behaviour. */
  kraken?: KrakenSimOptions;
  /** Binance's behaviour. */
  binance?: BinanceSimOptions;
}

/** Kraken's rate limits in the simulator. */
export interface KrakenSimOptions {
  /**
   * The private-API call counter per API key: each call adds 1 (2 for history calls), the
   * counter decays by `decayPerSecond`, and a call that would pass `maxCount` gets
   * `EAPI:Rate limit exceeded` on HTTP 200. `false` turns it off. Kraken's Starter tier.
   * @defaultValue `{ maxCount: 15, decayPerSecond: 0.33 }`
   * @see {@link https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits}
   */
  privateCounter?: { maxCount: number; decayPerSecond: number } | false;
}

/** Binance's rate limits and stream liveness in the simulator. */
export interface BinanceSimOptions {
  /**
   * Request weight per IP per minute on `/api/*`, reported in `X-MBX-USED-WEIGHT-1M`. Going over
   * gets a 429 (`-1003`) with `Retry-After` until the minute ends; an IP that keeps sending
   * after `toleratedRateLimitCount` 429s in one minute is banned (418). `false` turns weight
   * limits off.
   * @defaultValue `6000`
   */
  weightLimit?: number | false;
  /**
   * 429s an IP may receive in one minute; the next request over the limit bans it. Binance
   * bans IPs that "fail to back off after receiving 429s" without saying after how many.
   * @defaultValue `3`
   */
  toleratedRateLimitCount?: number;
  /**
   * How long the first automated ban lasts; each further ban of the same IP doubles it
   * ("from 2 minutes to 3 days" in Binance's words).
   * @defaultValue `120_000`
   */
  banMs?: number;
  /**
   * How often the stream server sends a protocol ping.
   * @defaultValue `20_000`
   */
  pingIntervalMs?: number;
  /**
   * A connection that has not answered a ping for this long is closed.
   * @defaultValue `60_000`
   */
  pongTimeoutMs?: number;
}

/** Which requests an HTTP incident hits: the presets' endpoint groups, or every request. */
export type SimScope = EndpointGroup | 'all';

interface IncidentTiming {
  /** The exchange it happens on. */
  exchange: SimExchangeId;
  /**
   * When it starts, in milliseconds since the simulator started (on its clock); a time in the
   * past starts it now.
   * @defaultValue now
   */
  atMs?: number;
}

interface LastingIncident extends IncidentTiming {
  /**
   * How long it lasts.
   * @defaultValue until `end()` is called
   */
  durationMs?: number;
}

interface HttpIncident extends LastingIncident {
  /**
   * Which requests it hits.
   * @defaultValue `'all'`
   */
  scope?: SimScope;
}

/**
 * A scripted incident. Each is rendered the way the exchange really renders it:
 *
 * - `serverErrors`: a 5xx with the HTML page of the exchange's CDN (`status`, default 502);
 *   with `orderPlaced: true` a new order is placed before its 5xx goes out (the unknown outcome a
 *   5xx on an order means).
 * - `rateLimited`: Kraken `EAPI:Rate limit exceeded` on HTTP 200; Binance 429 `-1003` with
 *   `Retry-After` (`retryAfterMs`, default 30 s).
 * - `ban`: Binance 418 "IP banned until …" with `Retry-After`; Kraken `EGeneral:Temporary
 *   lockout`. Lasts `durationMs` (default 2 min).
 * - `maintenance`: the status endpoint says so (Kraken `maintenance` or `cancel_only`, Binance
 *   `1`); with `mode: 'maintenance'` the API refuses calls (Kraken `EService:Unavailable`,
 *   Binance 503 `System is under maintenance.`); `cancel_only` refuses new orders only.
 * - `orderTimeout`: an order is placed and its answer never comes (the client's own timeout
 *   fires); query the order to find it.
 * - `latency`: every answer (whatever it is) is sent `delayMs` later on the simulator's clock.
 * - `wsDrop`: every open market-stream connection drops (no close frame, 1006), or is closed
 *   with `code`.
 * - `wsSilent`: open and new connections stay up but send nothing: no updates, heartbeats,
 *   pings or pongs.
 * - `wsRefuse`: upgrades are answered with `status` (default 503) and no WebSocket.
 */
export type SimIncidentSpec =
  | (HttpIncident & { type: 'serverErrors'; status?: number; orderPlaced?: boolean })
  | (HttpIncident & { type: 'rateLimited'; retryAfterMs?: number })
  | (HttpIncident & { type: 'ban' })
  | (HttpIncident & { type: 'orderTimeout' })
  | (HttpIncident & { type: 'latency'; delayMs: number })
  | (LastingIncident & { type: 'maintenance'; mode?: 'maintenance' | 'cancel_only' })
  | (IncidentTiming & { type: 'wsDrop'; code?: number })
  | (LastingIncident & { type: 'wsSilent' })
  | (LastingIncident & { type: 'wsRefuse'; status?: number });

/** The kinds of incidents. */
export type SimIncidentType = SimIncidentSpec['type'];

/** A scheduled incident: when it runs, and a way to end it early. */
export interface SimIncident {
  readonly type: SimIncidentType;
  readonly exchange: SimExchangeId;
  /** Start, in milliseconds since the simulator started. */
  readonly startMs: number;
  /** End, in milliseconds since the simulator started (`Infinity`: until `end()`). */
  readonly endMs: number;
  /** Whether it is in effect now. */
  readonly active: boolean;
  /** Ends it now (or cancels it before it starts). */
  end(): void;
}

/** An order the simulator holds. */
export interface SimOrder {
  /** The exchange's order id (Kraken txid, Binance orderId as a string). */
  readonly id: string;
  /** The client's order id, when it sent one (Kraken `cl_ord_id` or `userref`, Binance `newClientOrderId`). */
  readonly clientOrderId: string | undefined;
  /** Unified symbol, `BTC/USD`. */
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'limit' | 'market';
  readonly amount: number;
  readonly price: number | undefined;
  readonly status: 'open' | 'filled' | 'canceled';
  /** When it was placed, in milliseconds since the simulator started. */
  readonly placedAtMs: number;
  /**
   * Whether the client never got the order's answer: an `orderTimeout`, or the 5xx of a
   * `serverErrors` incident with `orderPlaced`.
   */
  readonly answerWithheld: boolean;
}

/** What happened on one exchange, for a test's assertions. */
export interface SimCounters {
  /** HTTP requests received. */
  readonly requests: number;
  /** Requests per route (`'GET /0/public/Ticker'`) and HTTP status. */
  readonly routes: Readonly<Record<string, Readonly<Record<number, number>>>>;
  /** Answers per HTTP status. */
  readonly statuses: Readonly<Record<number, number>>;
  /** Orders placed (accepted by the exchange), duplicates included. */
  readonly ordersPlaced: number;
  /** Orders sent again with a client order id already used. */
  readonly duplicateOrders: number;
  /** Rate-limit answers (429, Kraken's rate-limit errors). */
  readonly rateLimited: number;
  /** Bans handed out (Binance 418 bans by weight, not the `ban` incident's answers). */
  readonly bans: number;
  /** Requests answered with a ban (418 or Kraken's lockout). */
  readonly bannedRequests: number;
  /** WebSocket upgrade requests. */
  readonly wsAttempts: number;
  /** WebSocket connections opened. */
  readonly wsConnects: number;
  /** Text messages received on market streams. */
  readonly wsMessages: number;
  /** Market-stream subscriptions confirmed. */
  readonly wsSubscriptions: number;
}

/** A running exchange simulator. */
export interface ExchangeSim {
  /** The exchanges it serves. */
  readonly exchanges: readonly SimExchangeId[];
  /** Milliseconds since it started, on its clock. */
  readonly elapsedMs: number;
  /**
   * The REST origin of `exchange`, `http://127.0.0.1:<port>`.
   * @throws RangeError for an exchange the simulator does not run (so do the other methods)
   */
  url(exchange: SimExchangeId): string;
  /** The market-stream URL of `exchange` (Kraken `…/v2`, Binance `…/ws`). */
  wsUrl(exchange: SimExchangeId): string;
  /**
   * Points a ccxt exchange (`kraken` or `binance`, REST and ccxt pro streams) at the simulator
   * by rewriting the origins in its `urls.api`, and returns it.
   */
  redirect<T extends { id: string; urls: Record<string, unknown> }>(exchange: T): T;
  /**
   * Schedules one incident.
   * @throws BreakwaterConfigError naming the invalid field; Error once the simulator is closed
   */
  incident(spec: SimIncidentSpec): SimIncident;
  /**
   * Schedules several incidents at once, the script of a scenario; all are checked first.
   * @throws BreakwaterConfigError naming the invalid incident and field; Error once closed
   */
  timeline(specs: readonly SimIncidentSpec[]): SimIncident[];
  /** The incidents in effect now, oldest first: what a live display shows as "happening". */
  activeIncidents(): readonly SimIncident[];
  /** Ends every incident and lifts every ban. */
  heal(): void;
  /** What happened on `exchange` so far. */
  counters(exchange: SimExchangeId): SimCounters;
  /** The orders `exchange` holds, oldest first. */
  orders(exchange: SimExchangeId): readonly SimOrder[];
  /** Sets the price `symbol` (`BTC/USD`, `BTC/USDT`) trades at; the market moves on from there. */
  setPrice(exchange: SimExchangeId, symbol: string, price: number): void;
  /** Closes every connection and stops listening; clears every timer it set. */
  close(): Promise<void>;
}
