import { Readable } from 'node:stream';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Dispatcher } from 'undici';

/**
 * Transports that answer at once, with no socket: the `guard-*` cases measure what an adapter
 * adds to its client's own pipeline (CPU per request), which loopback noise (several per cent of
 * ~150 µs) would hide. Each answers `200` with a 2-byte JSON body `{}` unless told otherwise.
 */

/** The body every stub answers, and what the loops check they read. */
export const stubBody = '{}';

/** The URL the stub cases request: one origin, so one breaker. */
export const stubUrl = 'https://api.example.com/v1/ticker?pair=XBTUSD';

const jsonHeaders = { 'content-type': 'application/json' } as const;

/**
 * A fetch that resolves one prebuilt `Response` (status and headers; its body is never read):
 * what `withBreaker` reads of a response when no body rule applies.
 */
export function readyResponseFetch(): typeof fetch {
  const response = new Response(null, { status: 200, headers: jsonHeaders });
  return (() => Promise.resolve(response)) as typeof fetch;
}

/** A fetch that resolves a fresh `Response` with `body` per call, for loops that read it. */
export function freshResponseFetch(body: string = stubBody): typeof fetch {
  return (() =>
    Promise.resolve(new Response(body, { status: 200, headers: jsonHeaders }))) as typeof fetch;
}

/** An axios `adapter` resolving a ready response: axios' own pipeline runs around it. */
export const stubAxiosAdapter: AxiosAdapter = (config: InternalAxiosRequestConfig) =>
  Promise.resolve<AxiosResponse>({
    data: stubBody,
    status: 200,
    statusText: 'OK',
    headers: { ...jsonHeaders, 'content-length': '2' },
    config,
    request: {},
  });

/**
 * got's `request` option: returns a ready response stream (an `IncomingMessage` look-alike, as
 * cache layers hand got), so got runs its whole pipeline but opens no socket.
 */
export function stubGotRequest(): Readable {
  const response = Readable.from([Buffer.from(stubBody)], { objectMode: false }) as Readable &
    Record<string, unknown>;
  response.statusCode = 200;
  response.statusMessage = 'OK';
  response.headers = { ...jsonHeaders, 'content-length': '2' };
  response.httpVersion = '1.1';
  return response;
}

const stubController: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  rawHeaders: null,
  rawTrailers: null,
  abort() {},
  pause() {},
  resume() {},
};
const stubChunk = Buffer.from(stubBody);
const stubResponseHeaders = { ...jsonHeaders, 'content-length': '2' };

/**
 * An undici dispatcher that answers every request in a microtask through the handler API of
 * undici 8 (`onRequestStart` … `onResponseEnd`), as an `Agent` would after the network.
 */
export function stubDispatch(
  _opts: Dispatcher.DispatchOptions,
  handler: Dispatcher.DispatchHandler,
): boolean {
  queueMicrotask(() => {
    handler.onRequestStart?.(stubController, {});
    handler.onResponseStart?.(stubController, 200, stubResponseHeaders, 'OK');
    handler.onResponseData?.(stubController, stubChunk);
    handler.onResponseEnd?.(stubController, {});
  });
  return true;
}
