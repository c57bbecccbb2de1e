import { once } from 'node:events';
import { createServer, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** Options of {@link createFaultyWsServer}. */
export interface FaultyWsServerOptions {
  /**
   * Port to listen on.
   * @defaultValue `0` (a free port)
   */
  port?: number;
  /**
   * Interface to listen on.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
  /**
   * Answers a text message, e.g. a subscription ack; return `undefined` to send nothing. Not
   * called for a text `'ping'`, which the server answers `'pong'` itself unless pings are ignored.
   */
  onMessage?: (message: string, connection: WebSocket) => string | undefined;
}

/** A received text message and the index of the connection it came on. */
export interface ReceivedMessage {
  /** Index into `connections`, in order of acceptance. */
  readonly connection: number;
  /** The message's text. */
  readonly data: string;
}

/**
 * A real `ws` server on loopback with faults to inject, for testing reconnecting clients (the
 * guard's tests use it; so can yours). Upgrade faults queue up in the order they are set: each
 * applies to its `times` upgrades (every one, by default) once the faults before it are used
 * up. `ignorePings()` applies at once, to open connections too. `heal()` clears them all.
 */
export interface FaultyWsServer {
  /** `ws://host:port/`. */
  readonly url: string;
  /** Upgrade requests received, refused ones included. */
  readonly attempts: number;
  /** Every accepted connection, oldest first (closed ones included). */
  readonly connections: readonly WebSocket[];
  /** Connections still open. */
  readonly openConnections: readonly WebSocket[];
  /** Every text message received, in order. */
  readonly messages: readonly ReceivedMessage[];
  /** Answers `times` upgrades with `status` (and `headers`, e.g. `Retry-After`). */
  refuseUpgrades(
    status: number,
    options?: { headers?: Record<string, string>; times?: number },
  ): void;
  /** Accepts `times` upgrades, then drops each connection at once (1006 for clients). */
  killAfterOpen(times?: number): void;
  /** Accepts `times` upgrades, then closes each connection at once with `code`. */
  closeAfterOpen(code: number, reason?: string, times?: number): void;
  /** Stops answering pings, protocol (pong frames) and application (`'ping'` → `'pong'`). */
  ignorePings(ignore?: boolean): void;
  /** Clears every fault. */
  heal(): void;
  /** Drops every open connection without a close frame (the clients see 1006). */
  dropAll(): void;
  /** Closes every open connection with `code`. */
  closeAll(code: number, reason?: string): void;
  /** Sends `data` to every open connection. */
  broadcast(data: string): void;
  /** Resolves with the next accepted connection. */
  nextConnection(): Promise<WebSocket>;
  /** Resolves once `count` upgrade requests have been received in total. */
  waitForAttempts(count: number): Promise<void>;
  /** Resolves with the first message (received from now on) that `match` accepts. */
  nextMessage(match?: (message: ReceivedMessage) => boolean): Promise<ReceivedMessage>;
  /** Terminates every connection and stops listening. */
  close(): Promise<void>;
}

type Fault =
  | { readonly type: 'refuse'; readonly status: number; readonly headers: Record<string, string> }
  | { readonly type: 'kill' }
  | { readonly type: 'close'; readonly code: number; readonly reason: string };

interface Planned {
  fault: Fault;
  times: number;
}

/**
 * Starts a faulty `ws` server on loopback.
 * @example
 * ```ts
 * const server = await createFaultyWsServer();
 * server.refuseUpgrades(503, { times: 3 });
 * // … connect a guarded socket to server.url and assert server.attempts
 * await server.close();
 * ```
 */
export async function createFaultyWsServer(
  options: FaultyWsServerOptions = {},
): Promise<FaultyWsServer> {
  const http = createServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  const plan: Planned[] = [];
  const connections: WebSocket[] = [];
  const open = new Set<WebSocket>();
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  let attempts = 0;
  let ignorePings = false;

  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const take = (): Fault | undefined => {
    const next = plan[0];
    if (next === undefined) return undefined;
    if (--next.times <= 0) plan.shift();
    return next.fault;
  };
  const add = (fault: Fault, times: number) => {
    plan.push({ fault, times });
  };

  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    attempts++;
    socket.on('error', () => {});
    const fault = take();
    if (fault?.type === 'refuse') {
      const lines = [`HTTP/1.1 ${fault.status} ${STATUS_CODES[fault.status] ?? 'Refused'}`];
      for (const [name, value] of Object.entries(fault.headers)) lines.push(`${name}: ${value}`);
      lines.push('Content-Length: 0', 'Connection: close', '', '');
      socket.end(lines.join('\r\n'));
      notify();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const index = connections.length;
      connections.push(ws);
      open.add(ws);
      ws.on('close', () => open.delete(ws));
      ws.on('error', () => {});
      ws.on('ping', (data) => {
        if (!ignorePings) ws.pong(data);
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = String(data);
        messages.push({ connection: index, data: text });
        if (text === 'ping') {
          if (!ignorePings) ws.send('pong');
        } else {
          const answer = options.onMessage?.(text, ws);
          if (answer !== undefined) ws.send(answer);
        }
        notify();
      });
      wss.emit('connection', ws, request);
      if (fault?.type === 'kill') {
        // end(), not destroy(): the 101 response is flushed first, so the client opens and
        // then sees the connection drop.
        socket.end();
      } else if (fault?.type === 'close') {
        ws.close(fault.code, fault.reason);
      }
      notify();
    });
  });

  http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(http, 'listening');
  const { address, port } = http.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  const waitFor = <T>(check: () => T | undefined): Promise<T> => {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const waiter = () => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(waiter);
        resolve(value);
      };
      waiters.add(waiter);
    });
  };

  return {
    url: `ws://${host}:${port}/`,
    get attempts() {
      return attempts;
    },
    connections,
    get openConnections() {
      return [...open];
    },
    messages,
    refuseUpgrades(status, { headers = {}, times = Infinity } = {}) {
      add({ type: 'refuse', status, headers }, times);
    },
    killAfterOpen(times = Infinity) {
      add({ type: 'kill' }, times);
    },
    closeAfterOpen(code, reason = '', times = Infinity) {
      add({ type: 'close', code, reason }, times);
    },
    ignorePings(ignore = true) {
      ignorePings = ignore;
    },
    heal() {
      plan.length = 0;
      ignorePings = false;
    },
    dropAll() {
      for (const ws of open) ws.terminate();
    },
    closeAll(code, reason = '') {
      for (const ws of open) ws.close(code, reason);
    },
    broadcast(data) {
      for (const ws of open) ws.send(data);
    },
    nextConnection() {
      const count = connections.length;
      return waitFor(() => connections[count]);
    },
    waitForAttempts(count) {
      return waitFor(() => (attempts >= count ? true : undefined)).then(() => undefined);
    },
    nextMessage(match = () => true) {
      const from = messages.length;
      return waitFor(() => messages.slice(from).find(match));
    },
    async close() {
      waiters.clear();
      for (const ws of connections) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
