import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '@breakwater/core';
import type { SimMarket } from '../SimMarket.ts';
import type { SimStats } from '../SimStats.ts';
import type { Timeline } from '../Timeline.ts';
import type { SimExchangeId } from '../types.ts';
import { SimSocket } from './SimSocket.ts';
import type { StreamClient, StreamProtocol, StreamSystem } from './StreamProtocol.ts';

interface Connection extends StreamClient {
  readonly socket: SimSocket;
  readonly openedAtMs: number;
  lastPongMs: number;
}

/**
 * The market-stream side of one simulated exchange: accepts upgrades, runs the tick and ping
 * loops on the simulator's clock while connections are open (no timer runs without one), and
 * applies the stream incidents: refused upgrades, drops, a silent server.
 */
export class StreamHub {
  #exchange: SimExchangeId;
  #protocol: StreamProtocol;
  #clock: Clock;
  #timeline: Timeline;
  #market: SimMarket;
  #stats: SimStats;
  #tickMs: number;
  #connections = new Set<Connection>();
  #tickTimer: unknown;
  #pingTimer: unknown;
  #seq = 0;
  #system: StreamSystem = 'online';

  constructor(
    exchange: SimExchangeId,
    protocol: StreamProtocol,
    context: { clock: Clock; timeline: Timeline; market: SimMarket; stats: SimStats },
    tickMs: number,
  ) {
    this.#exchange = exchange;
    this.#protocol = protocol;
    this.#clock = context.clock;
    this.#timeline = context.timeline;
    this.#market = context.market;
    this.#stats = context.stats;
    this.#tickMs = tickMs;
  }

  /** The engine's state now: a `maintenance` incident's mode, or online. */
  #currentSystem(): StreamSystem {
    const maintenance = this.#timeline.active(this.#exchange, 'maintenance');
    return maintenance === undefined ? 'online' : (maintenance.mode ?? 'maintenance');
  }

  /** Whether the `wsSilent` incident holds this exchange's streams now. */
  #silent(): boolean {
    return this.#timeline.active(this.#exchange, 'wsSilent') !== undefined;
  }

  /** Handles an HTTP upgrade request. */
  upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    this.#stats.counts.wsAttempts++;
    socket.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://sim');
    const refusal = this.#timeline.active(this.#exchange, 'wsRefuse');
    const status =
      refusal !== undefined ? (refusal.status ?? 503) : this.#protocol.accepts(url) ? 0 : 404;
    if (status !== 0) {
      const text = STATUS_CODES[status] ?? 'Refused';
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
      return;
    }
    const hub = this;
    let connection: Connection | undefined;
    const socketHandlers = {
      onText(text: string) {
        hub.#stats.counts.wsMessages++;
        if (connection !== undefined)
          hub.#protocol.message(connection, text, hub.#market, hub.#clock.now());
      },
      onPing: () => !this.#silent(),
      onPong() {
        if (connection !== undefined) connection.lastPongMs = hub.#timeline.elapsedMs();
      },
      onClose() {
        if (connection !== undefined) hub.#connections.delete(connection);
        hub.#schedule();
      },
    };
    const simSocket = SimSocket.accept(request, socket, head, socketHandlers);
    if (simSocket === undefined) return;
    this.#stats.counts.wsConnects++;
    connection = {
      socket: simSocket,
      seq: ++this.#seq,
      subscriptions: new Map(),
      openedAtMs: this.#timeline.elapsedMs(),
      lastPongMs: this.#timeline.elapsedMs(),
      send: (message: unknown) => {
        if (!this.#silent()) simSocket.send(JSON.stringify(message));
      },
      subscribed: () => {
        this.#stats.counts.wsSubscriptions++;
      },
    };
    this.#connections.add(connection);
    this.#system = this.#currentSystem();
    this.#protocol.opened(connection, url, this.#market, this.#system);
    this.#schedule();
  }

  /** Drops every connection (no close frame), or closes each with `code`. */
  drop(code?: number): void {
    for (const connection of [...this.#connections]) {
      if (code === undefined) connection.socket.drop();
      else connection.socket.close(code);
    }
  }

  /** Starts the loops when the first connection opens, stops them after the last closes. */
  #schedule(): void {
    const open = this.#connections.size > 0;
    if (open && this.#tickTimer === undefined) {
      this.#tickTimer = this.#clock.setTimeout(() => this.#tick(), this.#tickMs);
    }
    const ping = this.#protocol.serverPing;
    if (open && ping !== undefined && this.#pingTimer === undefined) {
      this.#pingTimer = this.#clock.setTimeout(() => this.#ping(), ping.intervalMs);
    }
    if (!open) this.#stopTimers();
  }

  #tick(): void {
    this.#tickTimer = undefined;
    this.#market.step(() => this.#clock.random());
    const elapsed = this.#timeline.elapsedMs();
    const { maxLifetimeMs } = this.#protocol;
    const system = this.#currentSystem();
    const changed = system !== this.#system;
    this.#system = system;
    for (const connection of [...this.#connections]) {
      if (maxLifetimeMs !== undefined && elapsed - connection.openedAtMs >= maxLifetimeMs) {
        connection.socket.drop();
        continue;
      }
      if (this.#silent()) continue;
      if (changed) this.#protocol.systemChanged?.(connection, system);
      this.#protocol.tick(connection, this.#market, this.#clock.now());
    }
    this.#schedule();
  }

  #ping(): void {
    this.#pingTimer = undefined;
    const ping = this.#protocol.serverPing;
    const now = this.#timeline.elapsedMs();
    if (ping !== undefined && this.#silent()) {
      // A silent server sends no pings, so it cannot blame the client for missing pongs.
      for (const connection of this.#connections) connection.lastPongMs = now;
    } else if (ping !== undefined) {
      for (const connection of [...this.#connections]) {
        // Binance: "If the websocket server does not receive a pong frame back from the
        // connection within a 1 minute period, the connection will be disconnected."
        if (now - connection.lastPongMs >= ping.timeoutMs) connection.socket.drop();
        else connection.socket.ping(String(this.#clock.now()));
      }
    }
    this.#schedule();
  }

  #stopTimers(): void {
    if (this.#tickTimer !== undefined) this.#clock.clearTimeout(this.#tickTimer);
    if (this.#pingTimer !== undefined) this.#clock.clearTimeout(this.#pingTimer);
    this.#tickTimer = undefined;
    this.#pingTimer = undefined;
  }

  /** Closes every connection with 1001 (going away) and stops the loops. */
  close(): void {
    for (const connection of [...this.#connections]) connection.socket.close(1001, 'shutting down');
    this.#connections.clear();
    this.#stopTimers();
  }
}
