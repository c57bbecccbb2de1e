import { getEventListeners } from 'node:events';
import { ManualClock } from '@breakwater/core';
import {
  type GuardEvents,
  type GuardOptions,
  guardWebSocket,
  type ResilientWebSocket,
  type WebSocketFactory,
  type WebSocketLike,
} from '@breakwater/ws';
import { createFaultyWsServer, type FaultyWsServer } from '@breakwater/ws/testing';
import { afterEach, beforeEach } from 'vitest';
import WsWebSocket from 'ws';

/** A client under test: how to make a socket for a URL. */
export interface Client {
  readonly name: string;
  readonly isWs: boolean;
  connect(url: string): WebSocketFactory;
}

export const wsClient: Client = {
  name: 'the ws package',
  isWs: true,
  connect: (url) => () => new WsWebSocket(url),
};

export const standardClient: Client = {
  name: "Node's global WebSocket",
  isWs: false,
  connect: (url) => () => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    return socket;
  },
};

export const clients = [wsClient, standardClient] as const;

/** Resolves with the next payload of `event` that `match` accepts. */
export function next<K extends keyof GuardEvents>(
  guard: ResilientWebSocket,
  event: K,
  match: (payload: GuardEvents[K]) => boolean = () => true,
): Promise<GuardEvents[K]> {
  return new Promise((resolve) => {
    const off = guard.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Resolves once `check()` is true after some event of `guard`. */
export function until<K extends keyof GuardEvents>(
  guard: ResilientWebSocket,
  event: K,
  check: () => boolean,
): Promise<void> {
  if (check()) return Promise.resolve();
  return next(guard, event, () => check()).then(() => undefined);
}

/** Records every payload of `event`. */
export function record<K extends keyof GuardEvents>(
  guard: ResilientWebSocket,
  event: K,
): GuardEvents[K][] {
  const seen: GuardEvents[K][] = [];
  guard.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Listeners the guard may have left on a raw socket, for either client. */
export function listenersOn(socket: WebSocketLike): number {
  const events = ['open', 'message', 'close', 'error', 'ping', 'pong', 'unexpected-response'];
  if (socket instanceof WsWebSocket) {
    return events.reduce((sum, event) => sum + socket.listenerCount(event), 0);
  }
  return events.reduce(
    (sum, event) => sum + getEventListeners(socket as unknown as EventTarget, event).length,
    0,
  );
}

/** A test's world: a faulty server, a manual clock, and the guards to close afterwards. */
export interface World {
  server: FaultyWsServer;
  /** Answers text messages on the server (see `FaultyWsServerOptions.onMessage`). */
  onMessage: ((message: string, connection: WsWebSocket) => string | undefined) | undefined;
  clock: ManualClock;
  guard(client: Client, options?: GuardOptions): ResilientWebSocket;
}

/** Starts a server and a clock before each test; closes guards and server after it. */
export function useWorld(): World {
  const guards: ResilientWebSocket[] = [];
  const world = {} as World;
  beforeEach(async () => {
    world.onMessage = undefined;
    world.server = await createFaultyWsServer({
      onMessage: (message, connection) => world.onMessage?.(message, connection),
    });
    world.clock = new ManualClock();
    world.guard = (client, options = {}) => {
      const guard = guardWebSocket(client.connect(world.server.url), {
        clock: world.clock,
        heartbeat: false,
        ...options,
      });
      guards.push(guard);
      return guard;
    };
  });
  afterEach(async () => {
    await Promise.all(guards.splice(0).map((guard) => guard.close()));
    await world.server.close();
  });
  return world;
}
