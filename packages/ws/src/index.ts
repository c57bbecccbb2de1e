/**
 * @breakwater/ws: a reconnect guard for the `ws` package and the standard WebSocket.
 *
 * Extension point: the WebSocket's own events (`open`, `message`, `close`, `error` through
 * `addEventListener`, plus `ws`'s `pong` and `unexpected-response`); every connection attempt
 * takes a permit from the core's `CircuitBreaker` and a token from its `RateLimiter`.
 * This entry imports neither `ws` nor any `node:` module: it runs in browsers as it is.
 */

export {
  type CloseCodeMatch,
  type CloseCodeOptions,
  type CloseCodeTable,
  type CloseKind,
  classifyCloseCode,
  defaultCloseCodes,
} from './closeCodes.ts';
export type {
  CloseCause,
  ConnectReason,
  EndKind,
  GuardCloseEvent,
  GuardDropEvent,
  GuardErrorEvent,
  GuardEvents,
  GuardOpenEvent,
  GuardReconnectingEvent,
  GuardState,
  GuardStateEvent,
  WaitCause,
} from './events.ts';
export { guardWebSocket, type UrlGuardOptions } from './guardWebSocket.ts';
export type { HeartbeatOptions, ResolvedHeartbeatOptions } from './heartbeat.ts';
export type { DropPolicy } from './OutgoingQueue.ts';
export { ResilientWebSocket } from './ResilientWebSocket.ts';
export {
  type ConnectContext,
  type ConnectRateOptions,
  type GuardOptions,
  type QueueOptions,
  type ReconnectOptions,
  type ResolvedGuardOptions,
  type ResubscribeContext,
  resolveGuardOptions,
  type WebSocketFactory,
} from './resolveGuardOptions.ts';
export type { ResolvedRotationOptions, RotationOptions } from './rotation.ts';
export type {
  MessageData,
  OutgoingData,
  UpgradeRefusal,
  WebSocketLike,
} from './socketAdapter.ts';
