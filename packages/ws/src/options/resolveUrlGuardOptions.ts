import { BreakwaterConfigError, redactUrl } from '@breakwater/core';
import { globalWebSocket } from '../SocketAdapter.ts';
import type { GuardOptions, HeartbeatOptions, UrlGuardOptions } from './types.ts';

// What `guardWebSocket(url)` checks before it makes anything: everything the standard
// WebSocket constructor would throw on at each attempt (where the guard would report it and
// retry forever), and options the standard WebSocket could not honour.

/** What `guardWebSocket(url)` connects to, and the guard's options for it. */
export interface ResolvedUrlGuardOptions {
  /** The URL, parsed; errors and the default `name` show it redacted. */
  readonly href: string;
  readonly protocols: string | string[] | undefined;
  /** The options without `protocols`, with the URL's defaults for `name` and `heartbeat`. */
  readonly options: GuardOptions<WebSocket>;
}

/** An RFC 6455 subprotocol: an HTTP token (RFC 9110 §5.6.2). */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const noGlobal =
  'a factory such as `() => new WebSocket(url)` from `ws`: this runtime has no global WebSocket';

/**
 * Validates what `guardWebSocket()` was given besides a factory: an absolute `ws:` or `wss:`
 * URL without a fragment, a runtime with a global WebSocket, distinct subprotocols, and a
 * heartbeat the standard WebSocket can send. Errors show the URL redacted: a listen key or a
 * token in it must not reach a log.
 * @throws BreakwaterConfigError naming `url`, `protocols` or `heartbeat.message`
 */
export function resolveUrlGuardOptions(
  target: unknown,
  options: UrlGuardOptions | undefined,
): ResolvedUrlGuardOptions {
  if (typeof target !== 'string' && !(target instanceof URL)) {
    throw new BreakwaterConfigError('url', 'a URL or a factory returning a WebSocket', target);
  }
  const href = resolveWebSocketUrl(target);
  if (globalWebSocket() === undefined) throw noGlobalWebSocket(href);
  const { protocols, ...rest } = options ?? {};
  return {
    href,
    protocols: resolveProtocols(protocols),
    options: {
      ...rest,
      heartbeat: resolveUrlHeartbeat(rest.heartbeat),
      name: rest.name ?? redactUrl(href),
    },
  };
}

/** The error of a runtime without a global WebSocket, at creation and at each attempt. */
export function noGlobalWebSocket(href: string): BreakwaterConfigError {
  return new BreakwaterConfigError('url', noGlobal, redactUrl(href));
}

function resolveWebSocketUrl(target: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(target));
  } catch {
    throw new BreakwaterConfigError('url', 'an absolute ws:// or wss:// URL', redactUrl(target));
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new BreakwaterConfigError('url', 'an absolute ws:// or wss:// URL', redactUrl(url));
  }
  // `href`, not `hash`: an empty fragment (`wss://host/#`) has an empty `hash`, and is refused too.
  if (url.href.includes('#')) {
    throw new BreakwaterConfigError(
      'url',
      'a URL without a #fragment (the WebSocket constructor refuses one)',
      redactUrl(url),
    );
  }
  return url.href;
}

function resolveProtocols(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  const expected = 'a subprotocol or an array of distinct ones, each an HTTP token';
  const single = typeof value === 'string';
  if (!single && !Array.isArray(value)) {
    throw new BreakwaterConfigError('protocols', expected, value);
  }
  const list: readonly unknown[] = single ? [value] : value;
  const seen = new Set<string>();
  for (const [i, protocol] of list.entries()) {
    const path = single ? 'protocols' : `protocols[${i}]`;
    if (typeof protocol !== 'string' || !token.test(protocol)) {
      throw new BreakwaterConfigError(
        path,
        `${expected} (letters, digits, !#$%&'*+-.^_\`|~)`,
        protocol,
      );
    }
    if (seen.has(protocol))
      throw new BreakwaterConfigError(path, `${expected}, no duplicate`, protocol);
    seen.add(protocol);
  }
  return single ? (value as string) : [...seen];
}

/**
 * The standard WebSocket can neither send a protocol ping nor see a pong: no heartbeat unless
 * asked for, and an application ping (`message`) when asked for. A heartbeat without `message`
 * is refused rather than silently not run, unless it sends nothing (`ping: 'none'`).
 */
function resolveUrlHeartbeat(
  value: HeartbeatOptions | false | undefined,
): HeartbeatOptions | false {
  if (value === undefined) return false;
  if (
    typeof value === 'object' &&
    value !== null &&
    value.message === undefined &&
    value.ping !== 'none'
  ) {
    throw new BreakwaterConfigError(
      'heartbeat.message',
      'a ping message (with `isPong` for its answer) when guardWebSocket() is given a URL: ' +
        'the standard WebSocket cannot send protocol pings. Pass `heartbeat: false`, ' +
        "`ping: 'none'` to watch the server's frames only, or a factory using `ws` for " +
        'protocol pings',
      undefined,
    );
  }
  return value;
}
