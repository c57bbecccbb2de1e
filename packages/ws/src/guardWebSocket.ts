import { BreakwaterConfigError, redactUrl } from '@breakwater/core';
import { resolveProtocols, resolveWebSocketUrl, urlHeartbeat } from './options/resolveUrlTarget.ts';
import { ResilientWebSocket } from './ResilientWebSocket.ts';
import type { GuardOptions, WebSocketFactory } from './resolveGuardOptions.ts';
import type { WebSocketLike } from './socketAdapter.ts';

/**
 * {@link GuardOptions} when `guardWebSocket()` is given a URL. `heartbeat` defaults to none there
 * and needs a `message` (the standard WebSocket has no protocol ping).
 */
export interface UrlGuardOptions extends GuardOptions<WebSocket> {
  /** Subprotocols for the standard WebSocket constructor: distinct HTTP tokens. */
  protocols?: string | readonly string[];
}

/**
 * Guards a WebSocket: reconnects with backoff through a circuit breaker and a connect rate
 * limiter, checks liveness with a heartbeat, queues while disconnected, resubscribes after
 * every reconnect and rotates ageing connections (see {@link ResilientWebSocket}).
 *
 * Given a URL, it uses the standard `WebSocket` (browsers, Node ≥ 22, Deno, Bun), with
 * `binaryType = 'arraybuffer'`, looking `globalThis.WebSocket` up at every connection attempt
 * (so a mock installed later, such as MSW's `server.listen()`, is used from the next attempt
 * on); given a factory, whatever the factory returns: a `ws`
 * WebSocket gets protocol pings, `terminate()` and the status of a refused upgrade. The
 * standard WebSocket cannot send protocol pings: given a URL, the guard runs no heartbeat unless
 * `heartbeat.message` asks for an application ping.
 *
 * @throws BreakwaterConfigError when an option is invalid; given a URL, when it is not an
 *   absolute `ws:`/`wss:` URL without a fragment, when `protocols` are not distinct HTTP tokens,
 *   when `heartbeat` has no `message` (it could not be sent), or where there is no global
 *   `WebSocket` (Node 20: pass a factory using `ws`)
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const feed = guardWebSocket(() => new WebSocket('wss://ws.kraken.com/v2'), {
 *   resubscribe: ({ send }) => {
 *     send(JSON.stringify({ method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] } }));
 *   },
 * });
 * feed.on('message', (data) => console.log(String(data)));
 * ```
 */
export function guardWebSocket(
  url: string | URL,
  options?: UrlGuardOptions,
): ResilientWebSocket<WebSocket>;
export function guardWebSocket<S extends WebSocketLike>(
  factory: WebSocketFactory<S>,
  options?: GuardOptions<S>,
): ResilientWebSocket<S>;
export function guardWebSocket(
  target: string | URL | WebSocketFactory,
  options: UrlGuardOptions | GuardOptions<never> = {},
): ResilientWebSocket {
  if (typeof target === 'function') return new ResilientWebSocket(target, options as GuardOptions);
  if (typeof target !== 'string' && !(target instanceof URL)) {
    throw new BreakwaterConfigError('url', 'a URL or a factory returning a WebSocket', target);
  }
  const href = resolveWebSocketUrl(target);
  const noGlobal =
    'a factory such as `() => new WebSocket(url)` from `ws`: this runtime has no global WebSocket';
  if (globalWebSocket() === undefined) {
    throw new BreakwaterConfigError('url', noGlobal, redactUrl(href));
  }
  const { protocols, ...rest } = (options ?? {}) as UrlGuardOptions;
  const list = resolveProtocols(protocols);
  const heartbeat = urlHeartbeat(rest.heartbeat);
  // The global is looked up per attempt, not once: MSW's `server.listen()` replaces it (and
  // `server.close()` puts it back), and a guard made before that must still be mocked.
  const factory = () => {
    const Native = globalWebSocket();
    if (Native === undefined) throw new BreakwaterConfigError('url', noGlobal, redactUrl(href));
    const socket = new Native(href, list);
    socket.binaryType = 'arraybuffer';
    return socket;
  };
  return new ResilientWebSocket(factory, {
    ...rest,
    heartbeat,
    name: rest.name ?? redactUrl(href),
  });
}

function globalWebSocket(): typeof WebSocket | undefined {
  const Native = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof Native === 'function' ? (Native as typeof WebSocket) : undefined;
}
