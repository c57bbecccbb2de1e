import type { SimMarket } from '../SimMarket.ts';

/** One open market-stream connection, as a protocol sees it. */
export interface StreamClient {
  /** Sends a JSON message (nothing while the socket is silenced). */
  send(message: unknown): void;
  /** The protocol's own per-connection state (subscriptions). */
  readonly subscriptions: Map<string, unknown>;
  /** Counts a confirmed subscription. */
  subscribed(): void;
  /** Sequence number of the connection on this exchange, from 1. */
  readonly seq: number;
}

/** The trading engine's state, as the status endpoints report it. */
export type StreamSystem = 'online' | 'maintenance' | 'cancel_only';

/** An exchange's market-stream format. */
export interface StreamProtocol {
  /** Whether `url` (path and query) is a stream this exchange serves. */
  accepts(url: URL): boolean;
  /** Called once a connection is open (Kraken's status message, Binance's path streams). */
  opened(client: StreamClient, url: URL, market: SimMarket, system: StreamSystem): void;
  /** The engine's state changed (a maintenance began or ended) while `client` was open. */
  systemChanged?(client: StreamClient, system: StreamSystem): void;
  /** A text message from the client. */
  message(client: StreamClient, text: string, market: SimMarket, nowMs: number): void;
  /** The periodic update of every subscription. */
  tick(client: StreamClient, market: SimMarket, nowMs: number): void;
  /** Protocol pings the server sends, and how long it waits for the pong; none if absent. */
  readonly serverPing?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** The server ends every connection this old (Binance: 24 h). */
  readonly maxLifetimeMs?: number;
}
