import { noGlobalWebSocket, resolveUrlGuardOptions } from './options/resolveUrlGuardOptions.ts';
import type { GuardOptions, UrlGuardOptions, WebSocketFactory } from './options/types.ts';
import { ResilientWebSocket } from './ResilientWebSocket.ts';
import { globalWebSocket, type WebSocketLike } from './SocketAdapter.ts';

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
  const url = resolveUrlGuardOptions(target, options as UrlGuardOptions);
  const { href, protocols } = url;
  // The global is looked up per attempt, not once: MSW's `server.listen()` replaces it (and
  // `server.close()` puts it back), and a guard made before that must still be mocked.
  const factory = () => {
    const Native = globalWebSocket();
    if (Native === undefined) throw noGlobalWebSocket(href);
    const socket = new Native(href, protocols);
    socket.binaryType = 'arraybuffer';
    return socket;
  };
  return new ResilientWebSocket(factory, url.options);
}
