import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import {
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectRate,
  systemClock,
} from '@breakwater/core/adapter';
import {
  WebSocketConnectionEvent,
  type WebSocketData,
  type WebSocketHandler,
  type WebSocketLink,
} from 'msw';
import { type RandomOptions, resolveRandom } from '../internal/randomSource.ts';
import { readOptions } from '../internal/validate.ts';
import { FaultyConnection, type ResolvedPings, type WsFaultSettings } from './FaultyConnection.ts';

/** Application-level pings (`{"op":"ping"}`) that the mock server stops answering. */
export interface WsPingFault {
  /** Recognises a client's ping among its messages. */
  match: (data: WebSocketData) => boolean;
  /**
   * The pong, for pings that are still answered. Without it, answered pings reach your
   * listener, which answers them itself.
   * @defaultValue none
   */
  reply?: (data: WebSocketData) => WebSocketData;
  /**
   * Pings answered on each connection before the server goes silent.
   * @defaultValue `Infinity` when `answerForMs` is given, else `0` (silent from the start)
   */
  answerCount?: number;
  /**
   * Milliseconds after connecting during which pings are answered.
   * @defaultValue `Infinity` when `answerCount` is given, else `0`
   */
  answerForMs?: number;
}

/** Options for {@link wsFaults}. */
export interface WsFaultOptions extends RandomOptions {
  /**
   * Closes the connection once the client has received this many messages (pongs included):
   * exactly this many arrive, even when sent in one burst, and none sent after them. `0` closes
   * it as soon as it opens.
   * @defaultValue `Infinity`
   */
  dropAfterMessages?: number;
  /**
   * Closes the connection this long after it opened.
   * @defaultValue `Infinity`
   */
  dropAfterMs?: number;
  /**
   * The close frame of a drop.
   * @defaultValue `{ code: 1006 }`: an abnormal closure, as when the network goes away
   */
  close?: { code?: number; reason?: string };
  /**
   * Delay of every message to the client, in order.
   * @defaultValue `0`
   */
  delayMs?: number;
  /**
   * Probability that a message to the client is lost (seeded: see `seed`).
   * @defaultValue `0`
   */
  dropRate?: number;
  /**
   * Application-level pings left unanswered.
   * @defaultValue none
   */
  pings?: WsPingFault;
  /**
   * How many connections, counted from the first, get the faults; later ones are left alone,
   * so a reconnecting client eventually gets through.
   * @defaultValue `Infinity`
   */
  connections?: number;
  /**
   * Runs `delayMs` and `dropAfterMs`, and times `pings.answerForMs`: a `ManualClock` in tests.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
}

/** What your connection listener gets: MSW's event, with a `client` that applies the faults. */
export type WsConnectionListener = (event: WebSocketConnectionEvent) => void;

/**
 * Adds faults to a mocked WebSocket server made with MSW's `ws.link(url)`: drop the connection
 * after N messages or T ms, close it with a chosen code, delay or lose messages, stop answering
 * application-level pings. Your `listener` is the server's behaviour; the `client` it receives
 * applies the faults, so send through `client.send()` (not `link.broadcast()`).
 *
 * MSW mocks the standard `WebSocket` only (Node's global and browsers'). With the `ws` package
 * it completes the upgrade but moves no frames: test `ws` clients with `createFaultyWsServer()`
 * from `@breakwater/ws/testing`, a real `ws` server on loopback.
 *
 * @example
 * ```ts
 * const feed = ws.link('wss://stream.example.com');
 * server.use(
 *   wsFaults(feed, { dropAfterMessages: 3, connections: 2, clock }, ({ client }) => {
 *     const timer = setInterval(() => client.send('{"price":97000}'), 10);
 *     client.addEventListener('close', () => clearInterval(timer));
 *   }),
 * );
 * ```
 * @returns the handler to give to `setupServer()` or `server.use()`
 * @throws BreakwaterConfigError when an option is invalid
 */
export function wsFaults(
  link: WebSocketLink,
  options: WsFaultOptions,
  listener?: WsConnectionListener,
): WebSocketHandler {
  const raw = readOptions('', options, {
    dropAfterMessages: true,
    dropAfterMs: true,
    close: true,
    delayMs: true,
    dropRate: true,
    pings: true,
    connections: true,
    clock: true,
    random: true,
    seed: true,
  });
  const onConnection =
    listener === undefined ? undefined : expectFunction<WsConnectionListener>('listener', listener);
  const clock = expectClock('clock', raw.clock ?? systemClock);
  const close = readOptions('close', raw.close as WsFaultOptions['close'], {
    code: true,
    reason: true,
  });
  if (close.reason !== undefined && typeof close.reason !== 'string') {
    throw new BreakwaterConfigError('close.reason', 'a string', close.reason);
  }
  const settings: WsFaultSettings = {
    dropAfterMessages: expectCount('dropAfterMessages', raw.dropAfterMessages),
    dropAfterMs: expectNumber('dropAfterMs', raw.dropAfterMs ?? Infinity, 0, Infinity, true),
    code: expectInteger('close.code', close.code ?? 1006, 1000, 4999),
    reason: close.reason as string | undefined,
    delayMs: expectNumber('delayMs', raw.delayMs ?? 0, 0),
    dropRate: expectRate('dropRate', raw.dropRate ?? 0, true),
    pings: resolvePings(raw.pings),
    clock,
    random: resolveRandom('', raw, raw.clock === undefined ? undefined : clock),
  };
  const faulty = expectCount('connections', raw.connections);
  let connections = 0;
  return link.addEventListener('connection', (event) => {
    connections++;
    if (connections > faulty) {
      onConnection?.(event);
      return;
    }
    const connection = new FaultyConnection(event.client, settings);
    onConnection?.(
      new WebSocketConnectionEvent({
        client: connection.client,
        server: event.server,
        info: event.info,
        params: event.params,
      }),
    );
    connection.start();
  });
}

function expectCount(path: string, value: unknown): number {
  return expectInteger(path, value ?? Infinity, 0, Infinity);
}

function resolvePings(value: unknown): ResolvedPings | undefined {
  if (value === undefined) return undefined;
  const raw = readOptions('pings', value as WsPingFault, {
    match: true,
    reply: true,
    answerCount: true,
    answerForMs: true,
  });
  const silent = raw.answerCount === undefined && raw.answerForMs === undefined;
  return {
    match: expectFunction('pings.match', raw.match),
    reply: raw.reply === undefined ? undefined : expectFunction('pings.reply', raw.reply),
    answerCount: expectCount('pings.answerCount', silent ? 0 : raw.answerCount),
    answerForMs: expectNumber('pings.answerForMs', raw.answerForMs ?? Infinity, 0, Infinity, true),
  };
}
