import type { CloseKind } from './classifyCloseCode.ts';
import type { MessageData, OutgoingData } from './SocketAdapter.ts';

/**
 * The guard's state:
 * - `connecting`: the first connection is being made;
 * - `open`: a connection is up and resubscribed; `send()` goes straight out;
 * - `reconnecting`: the connection was lost; waiting (backoff, open breaker, rate limit) or
 *   connecting again; `send()` queues;
 * - `halted`: stopped after a close that must not be retried blindly (an `auth` or `refused`
 *   close code or error frame, an
 *   upgrade refused for good: 401, 403, 407, 400, 404 and other 4xx but 408, 418 and 429, or a
 *   2xx or 3xx instead of the upgrade; a `normal` close without `reconnect.onNormalClose`), or
 *   because the breaker was forced open or ran out of `maxRecoveryAttempts`; `reconnect()`
 *   resumes, and so does the breaker's `reset()`;
 * - `closed`: `close()` was called; final.
 */
export type GuardState = 'connecting' | 'open' | 'reconnecting' | 'halted' | 'closed';

/** Why a connection was made: the first one, after a loss, or to replace an ageing one. */
export type ConnectReason = 'initial' | 'reconnect' | 'rotation';

/**
 * Who or what ended a connection: `remote` (the server or the network), `factory` (the socket
 * factory threw, rejected, or returned no WebSocket), `heartbeat` (a ping went unanswered),
 * `connectTimeout` (not open and resubscribed within `connectTimeoutMs`), `resubscribe` (the
 * hook threw), `callback` (`heartbeat.message`, `heartbeat.isPong` or `rotation.messageId` threw
 * on this connection; the `error` event has the error), `message` (a frame that
 * `classifyMessage` judged an error ended it; the `close` event's `error` says which),
 * `rotated` (replaced by a newer
 * connection), `halted` (the guard halted: the breaker was forced open, or the connection this
 * one was to replace closed in a way that halts the guard), `closed` (`close()`).
 */
export type CloseCause =
  | 'remote'
  | 'factory'
  | 'heartbeat'
  | 'connectTimeout'
  | 'resubscribe'
  | 'callback'
  | 'message'
  | 'rotated'
  | 'halted'
  | 'closed';

/** Payload of `open`: a connection is up, resubscribed, and the queue flushed. */
export interface GuardOpenEvent {
  readonly name: string;
  readonly reason: ConnectReason;
}

/**
 * What the end of a connection means for the guard: the `kind` of its close code (see
 * `classifyCloseCode`); also `refused` when the server refused the upgrade in a way that trying
 * again would not change (`ws` only), or an error frame said the request is wrong (see
 * `GuardCloseEvent.kind`).
 */
export type EndKind = CloseKind;

/** Payload of `close`: one connection (or connection attempt) ended. */
export interface GuardCloseEvent {
  readonly name: string;
  /** The close code; 1006 when the connection failed or was terminated by the guard. */
  readonly code: number;
  readonly reason: string;
  /**
   * What the end means for the guard: the close code's kind (see `classifyCloseCode`), or, for
   * an upgrade the server refused (`ws` only; `status` says how): `auth` for a 401, 403 or 407,
   * `refused` for any other answer that trying again would not change (a 4xx that the breaker's
   * classifier ignores, such as 400 or 404, or a 2xx or 3xx instead of the upgrade), and
   * `transient` for the rest (408, 418, 429, 5xx). The guard halts after `auth` and `refused`.
   */
  readonly kind: EndKind;
  readonly cause: CloseCause;
  readonly wasClean: boolean;
  /** How long the connection was open; `undefined` when it never opened. */
  readonly uptimeMs: number | undefined;
  /** The HTTP status of a refused upgrade (`ws` only). */
  readonly status: number | undefined;
  /**
   * Why it ended, if not by a close frame: the client's error (`ECONNREFUSED`, a refused
   * upgrade), the guard's timeout (connect or heartbeat), or what a function of yours threw.
   */
  readonly error: unknown;
  /** True when the guard will connect again on its own. */
  readonly willReconnect: boolean;
}

/**
 * Why the guard waits before its next attempt: `backoff` after a failure or loss, `breakerOpen`
 * while the breaker rejects attempts, `rateLimited` when `maxConnectsPerWindow` is spent.
 */
export type WaitCause = 'backoff' | 'breakerOpen' | 'rateLimited';

/** Payload of `reconnecting`: the next attempt is scheduled. */
export interface GuardReconnectingEvent {
  readonly name: string;
  /** Consecutive failed attempts so far (0 after a connection that had lived `minUptimeMs`). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly cause: WaitCause;
  /** True when this is a rotation's replacement attempt: the old connection is still up. */
  readonly rotation: boolean;
}

/** Payload of `drop`: an outgoing message was given up. */
export interface GuardDropEvent {
  readonly name: string;
  readonly data: OutgoingData;
  /** `overflow`: the queue was full; `closed`: the guard was closed with it queued. */
  readonly reason: 'overflow' | 'closed';
  /** Messages still queued. */
  readonly queued: number;
}

/** Payload of `state`. */
export interface GuardStateEvent {
  readonly name: string;
  readonly from: GuardState;
  readonly to: GuardState;
}

/**
 * Payload of `error`: a function of yours threw, and the guard ended the connection it was
 * called for (a `close` event follows) and will connect again, as after any failed connection.
 * Errors thrown by event listeners go to `onListenerError` instead.
 */
export interface GuardErrorEvent {
  readonly name: string;
  /**
   * Which function threw: `connect` the factory (it threw, rejected, or returned no WebSocket),
   * `resubscribe` the hook (it threw or rejected), `heartbeat` `heartbeat.message` or
   * `heartbeat.isPong`, `rotation` `rotation.messageId`, `message` `classifyMessage` (it threw
   * or returned no valid verdict).
   */
  readonly phase: 'connect' | 'resubscribe' | 'heartbeat' | 'rotation' | 'message';
  readonly error: unknown;
}

/** Events of a `ResilientWebSocket`, for `on(event, listener)`. */
export interface GuardEvents {
  open: GuardOpenEvent;
  close: GuardCloseEvent;
  reconnecting: GuardReconnectingEvent;
  /** A received message, from exactly one socket at a time. Pongs matched by `isPong` are not. */
  message: MessageData;
  drop: GuardDropEvent;
  state: GuardStateEvent;
  error: GuardErrorEvent;
}
