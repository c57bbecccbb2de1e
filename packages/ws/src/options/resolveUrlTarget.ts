import { BreakwaterConfigError, redactUrl } from '@breakwater/core';
import type { HeartbeatOptions } from '../heartbeat.ts';

// What `guardWebSocket(url)` checks before it makes anything: everything the standard
// WebSocket constructor would throw on at each attempt (where the guard would report it and
// retry forever), and options the standard WebSocket could not honour.

/** An RFC 6455 subprotocol: an HTTP token (RFC 9110 §5.6.2). */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses the URL given to `guardWebSocket()`: an absolute `ws:` or `wss:` URL without a
 * fragment. Errors show it redacted: a listen key or a token in it must not reach a log.
 * @throws BreakwaterConfigError naming `url`
 */
export function resolveWebSocketUrl(target: string | URL): string {
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

/**
 * Validates the subprotocols for the standard WebSocket constructor: distinct HTTP tokens.
 * @throws BreakwaterConfigError naming `protocols`
 */
export function resolveProtocols(value: unknown): string | string[] | undefined {
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
 * The heartbeat of a guard on the standard WebSocket, which can neither send a protocol ping
 * nor see a pong: none unless asked for, and an application ping (`message`) when asked for.
 * A heartbeat without `message` is refused rather than silently not run.
 * @throws BreakwaterConfigError naming `heartbeat.message`
 */
export function urlHeartbeat(
  value: HeartbeatOptions | false | undefined,
): HeartbeatOptions | false {
  if (value === undefined) return false;
  if (typeof value === 'object' && value !== null && value.message === undefined) {
    throw new BreakwaterConfigError(
      'heartbeat.message',
      'a ping message (with `isPong` for its answer) when guardWebSocket() is given a URL: ' +
        'the standard WebSocket cannot send protocol pings. Pass `heartbeat: false`, or a ' +
        'factory using `ws` for protocol pings',
      undefined,
    );
  }
  return value;
}
