/**
 * @breakwater/ws: a reconnect guard for the `ws` package and the standard WebSocket.
 *
 * Extension point: the WebSocket's own events (`open`, `message`, `close`, `error` through
 * `addEventListener`, plus `ws`'s `pong` and `unexpected-response`); every connection attempt
 * takes a permit from the core's `CircuitBreaker` and a token from its `RateLimiter` (unless
 * `maxConnectsPerWindow: false`).
 * This entry imports neither `ws` nor any `node:` module: it runs in browsers as it is.
 */

export { type CloseKind, classifyCloseCode } from './classifyCloseCode.ts';
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
} from './GuardEvents.ts';
export { guardWebSocket } from './guardWebSocket.ts';
// Only what users pass: the resolved forms and their resolvers are internal.
export type {
  CloseCodeMatch,
  CloseCodeOptions,
  ConnectContext,
  ConnectRateOptions,
  DropPolicy,
  GuardOptions,
  HeartbeatOptions,
  HeartbeatPing,
  MessagePhase,
  MessageVerdict,
  QueueOptions,
  ReconnectOptions,
  ResubscribeContext,
  RotationOptions,
  UrlGuardOptions,
  WebSocketFactory,
} from './options/types.ts';
export { ResilientWebSocket } from './ResilientWebSocket.ts';
export type { MessageData, OutgoingData, WebSocketLike } from './SocketAdapter.ts';
