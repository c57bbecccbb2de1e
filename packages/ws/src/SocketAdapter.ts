/**
 * The one place that knows the difference between the `ws` package and the standard WebSocket
 * (browsers, Node ≥ 22's global, Deno, Bun). Both speak `addEventListener`, `send`, `close` and
 * `readyState`; `ws` adds `ping()` with a `'pong'` event, `terminate()`, and an
 * `'unexpected-response'` event carrying a refused upgrade's status and headers. The standard
 * socket has none of these: it answers the server's pings by itself, can only `close()`, and
 * reports a refused upgrade as a bare `error` event.
 */

import type { MessageVerdict } from './options/types.ts';

/** Data a WebSocket can send. */
export type OutgoingData = string | ArrayBufferLike | Blob | ArrayBufferView;

/**
 * A received message: a string for a text frame; for a binary frame, what the socket's
 * `binaryType` gives (`ArrayBuffer` or `Blob` for the standard WebSocket, a `Buffer` by default
 * with `ws`).
 */
export type MessageData = string | ArrayBuffer | Blob | ArrayBufferView | readonly Uint8Array[];

type SocketEvent = 'open' | 'message' | 'close' | 'error';

/**
 * The part of a WebSocket the guard uses: the standard WebSocket and `ws`'s both fit. Listeners
 * take `unknown` on purpose, so that both clients' overloads are assignable.
 */
export interface WebSocketLike {
  readonly readyState: number;
  /** Sends a message. */
  send(data: OutgoingData): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Adds a listener for `open`, `message`, `close` or `error`. */
  addEventListener(type: SocketEvent, listener: (event: unknown) => void): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener(type: SocketEvent, listener: (event: unknown) => void): void;
}

/** How the adapter attaches its typed listeners to either client. */
interface Listenable {
  addEventListener(type: SocketEvent, listener: (event: never) => void): void;
  removeEventListener(type: SocketEvent, listener: (event: never) => void): void;
}

/** What `ws`'s WebSocket adds, found by duck typing so the main entry never imports `ws`. */
interface WsExtras {
  ping(data?: unknown): void;
  terminate(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: (...args: never[]) => void): unknown;
}

/** A refused upgrade (`ws` only): the HTTP status and headers the server answered with. */
export interface UpgradeRefusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** How a connection's socket ended, or why the guard gave up on it. */
export interface SocketEnd {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /**
   * The client's error, when one came before the close (`ECONNREFUSED`, an `error` event), or
   * the guard's reason to give up on the socket (a timeout, what a function of yours threw).
   */
  readonly error: unknown;
  readonly refusal: UpgradeRefusal | undefined;
  /** The verdict of the frame that ended the connection (`classifyMessage`), if one did. */
  readonly verdict: MessageVerdict | undefined;
}

/** What a socket reports to the `Connector` that attached it. */
export interface SocketHandlers {
  open(): void;
  message(data: MessageData): void;
  /** A pong, or (`ws`) a ping from the server: a control frame, proof the peer is alive. */
  pong(): void;
  /** Called once, when the socket has closed (never after `detach()` or `abandon()`). */
  closed(end: SocketEnd): void;
}

const OPEN = 1;
const CLOSED = 3;

function noop(): void {}

function isWs(socket: WebSocketLike): socket is WebSocketLike & WsExtras {
  const s = socket as Partial<WsExtras>;
  return (
    typeof s.ping === 'function' &&
    typeof s.terminate === 'function' &&
    typeof s.on === 'function' &&
    typeof s.off === 'function' &&
    typeof s.once === 'function'
  );
}

/**
 * Closes a socket nobody listens to any more and resolves once it has closed. A `ws` socket gets
 * an `error` sink until then: an `EventEmitter` with no `error` listener would crash the process.
 * A standard socket closed by `force` (a dead peer) resolves at once: it has no `terminate()`,
 * and its closing handshake with a peer that stopped answering may never finish.
 */
export function closeQuietly(
  socket: WebSocketLike,
  force: boolean,
  code?: number,
  reason?: string,
): Promise<void> {
  if (socket.readyState === CLOSED) return Promise.resolve();
  const ws = isWs(socket) ? socket : undefined;
  if (force && ws === undefined) {
    try {
      socket.close();
    } catch {
      // Already closing: nothing else can be done with a standard socket.
    }
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      socket.removeEventListener('close', done);
      ws?.off('error', noop);
      resolve();
    };
    socket.addEventListener('close', done);
    ws?.on('error', noop);
    try {
      if (force && ws !== undefined) ws.terminate();
      else if (code === undefined) socket.close();
      else socket.close(code, reason);
    } catch {
      // Closing can only fail on an argument the guard validated or a socket already gone;
      // either way there is nothing left to do but wait for (or skip) its close event.
      if (socket.readyState === CLOSED) done();
    }
  });
}

/** The runtime's standard WebSocket, looked up now; `undefined` where there is none (Node 20). */
export function globalWebSocket(): typeof WebSocket | undefined {
  const Native = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof Native === 'function' ? (Native as typeof WebSocket) : undefined;
}

/** The error of a refused upgrade: its status only (the URL and headers may carry secrets). */
function refusedError(status: number): Error {
  const error = new Error(`The server refused the WebSocket upgrade with HTTP ${status}.`);
  error.name = 'WebSocketRefusedError';
  return error;
}

/**
 * Wraps one raw socket for the guard: attaches its listeners once, reports open, messages,
 * pongs and the end, and normalises pings, sends and forced closes across both clients.
 */
export class SocketAdapter<S extends WebSocketLike = WebSocketLike> {
  /** The raw socket. */
  readonly socket: S;
  /** True when the socket can send protocol pings (`ws`). */
  readonly canPing: boolean;
  readonly #ws: (WebSocketLike & WsExtras) | undefined;
  readonly #handlers: SocketHandlers;
  #error: unknown;
  #refusal: UpgradeRefusal | undefined;
  #attached = true;

  readonly #onOpen = (): void => this.#handlers.open();
  readonly #onMessage = (event: { readonly data: MessageData }): void => {
    this.#handlers.message(event.data);
  };
  readonly #onError = (event: { readonly error?: unknown }): void => {
    // The refusal says more than `ws`'s "closed before the connection was established".
    if (this.#refusal !== undefined) return;
    // `ws` gives an ErrorEvent carrying the Error; the standard socket a bare Event.
    this.#error = event.error ?? event;
  };
  readonly #onClose = (event: {
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;
  }): void => {
    this.detach();
    const { code, reason, wasClean } = event;
    const error = this.#error;
    this.#handlers.closed({
      code,
      reason,
      wasClean,
      error,
      refusal: this.#refusal,
      verdict: undefined,
    });
  };
  readonly #onPong = (): void => this.#handlers.pong();
  readonly #onUnexpectedResponse = (
    _request: unknown,
    response: { statusCode?: number; headers?: UpgradeRefusal['headers'] },
  ): void => {
    const status = response.statusCode ?? 0;
    this.#refusal = { status, headers: response.headers ?? {} };
    this.#error = refusedError(status);
    // With a listener, `ws` leaves the handshake to us: abort it; `error` and `close` follow.
    this.#ws?.terminate();
  };

  constructor(socket: S, handlers: SocketHandlers) {
    this.socket = socket;
    this.#handlers = handlers;
    this.#ws = isWs(socket) ? socket : undefined;
    this.canPing = this.#ws !== undefined;
    const target = socket as unknown as Listenable;
    target.addEventListener('open', this.#onOpen);
    target.addEventListener('message', this.#onMessage);
    target.addEventListener('error', this.#onError);
    target.addEventListener('close', this.#onClose);
    this.#ws?.on('pong', this.#onPong);
    // `ws` answers the server's pings by itself; the guard only takes them as signs of life.
    this.#ws?.on('ping', this.#onPong);
    this.#ws?.on('unexpected-response', this.#onUnexpectedResponse);
  }

  /** True while the socket is open and can send. */
  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** Sends `data` when the socket is open; returns false (and sends nothing) otherwise. */
  send(data: OutgoingData): boolean {
    if (this.socket.readyState !== OPEN) return false;
    try {
      this.socket.send(data);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a protocol ping (`ws` only). */
  ping(): void {
    if (this.#ws === undefined || this.socket.readyState !== OPEN) return;
    try {
      this.#ws.ping();
    } catch {
      // A socket that cannot ping is about to close; the heartbeat's deadline handles it.
    }
  }

  /** Removes every listener this adapter attached. Idempotent. */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    const target = this.socket as unknown as Listenable;
    target.removeEventListener('open', this.#onOpen);
    target.removeEventListener('message', this.#onMessage);
    target.removeEventListener('error', this.#onError);
    target.removeEventListener('close', this.#onClose);
    this.#ws?.off('pong', this.#onPong);
    this.#ws?.off('ping', this.#onPong);
    this.#ws?.off('unexpected-response', this.#onUnexpectedResponse);
  }

  /**
   * Stops reporting and closes the socket: `terminate()` with `ws` when `force` (a dead peer),
   * `close(code, reason)` otherwise. Resolves once the raw socket has closed, when no listener
   * of the guard is left on it.
   */
  abandon(force: boolean, code?: number, reason?: string): Promise<void> {
    this.detach();
    return closeQuietly(this.socket, force, code, reason);
  }
}
