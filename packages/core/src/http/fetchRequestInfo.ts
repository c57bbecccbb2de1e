import { cachedOrigin, originOfUrl as originOf, rememberOrigin } from './originMemo.ts';
import type { HttpHeaders, HttpRequestInfo } from './types.ts';

/** A Fetch `Request` as far as the glue reads it: global, undici's or a polyfill's. */
export interface FetchRequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: HttpHeaders;
  readonly body: unknown;
  readonly signal?: AbortSignal | null;
}

/** What `fetch` accepts as its first argument. */
export type FetchInput = string | URL | FetchRequestLike;

/** The fields of a `RequestInit` the glue reads. */
export interface FetchInitLike {
  readonly method?: string | undefined;
  readonly headers?: HttpHeaders | undefined;
  readonly body?: unknown;
  readonly signal?: AbortSignal | null | undefined;
}

/**
 * The {@link HttpRequestInfo} of a `fetch(input, init)` call, read as fetch reads it: the URL of
 * `input` (a string, a `URL` or a `Request`; relative to `location` in browsers), the method and
 * headers of `init`, else of the `Request`, else `GET`. A stream or async-iterable body (and any
 * `Request` body, which is a stream) is not `replayable`. Returns `undefined` when the URL does not parse: the
 * adapter then leaves the call to fetch, which rejects it as it always does.
 *
 * @example `fetchRequestInfo('https://api.kraken.com/0/public/Time', { method: 'GET' })`
 */
export function fetchRequestInfo(
  input: FetchInput,
  init?: FetchInitLike | null,
): HttpRequestInfo | undefined {
  const request = isRequest(input) ? input : undefined;
  const body = init?.body !== undefined ? init.body : request?.body;
  const method = init?.method ?? request?.method ?? 'GET';
  const headers = init?.headers ?? request?.headers;
  const replayable = body === undefined || body === null || !isStream(body);
  if (input instanceof URL) {
    const known = new LazyRequestInfo(input.href, originOf(input), method, headers, replayable);
    known.parsed = input;
    return known;
  }
  const href = request !== undefined ? request.url : String(input);
  // hot path: a URL of the last origin is known to parse, and its key is known: no parse now.
  const origin = cachedOrigin(href);
  if (origin !== undefined) return new LazyRequestInfo(href, origin, method, headers, replayable);
  let url: URL;
  try {
    url = new URL(href, baseUrl());
  } catch {
    return undefined;
  }
  const parsed = new LazyRequestInfo(url.href, url.origin, method, headers, replayable);
  parsed.parsed = url;
  rememberOrigin(href, parsed.origin);
  return parsed;
}

/**
 * The origin of a request: read from what {@link fetchRequestInfo} remembered, or from its URL.
 * Not part of the public API: `deriveKey` names breakers by it.
 */
export function requestOrigin(request: HttpRequestInfo): string {
  return request instanceof LazyRequestInfo ? request.origin : originOf(request.url);
}

/**
 * A request whose absolute URL is known to parse, parsed only when someone reads `url` (a key
 * function, a body rule's `match`): the default key is its `origin`.
 */
class LazyRequestInfo implements HttpRequestInfo {
  readonly href: string;
  readonly origin: string;
  readonly method: string;
  readonly headers: HttpHeaders | undefined;
  readonly replayable: boolean;
  parsed: URL | undefined;

  constructor(
    href: string,
    origin: string,
    method: string,
    headers: HttpHeaders | undefined,
    replayable: boolean,
  ) {
    this.href = href;
    this.origin = origin;
    this.method = method;
    this.headers = headers;
    this.replayable = replayable;
    this.parsed = undefined;
  }

  get url(): URL {
    this.parsed ??= new URL(this.href);
    return this.parsed;
  }
}

/** The signal of a `fetch(input, init)` call: `init.signal`, else the `Request`'s. */
export function fetchSignal(
  input: FetchInput,
  init?: FetchInitLike | null,
): AbortSignal | undefined {
  return init?.signal ?? (isRequest(input) ? (input.signal ?? undefined) : undefined);
}

function isRequest(input: FetchInput): input is FetchRequestLike {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as FetchRequestLike).url === 'string' &&
    typeof (input as FetchRequestLike).method === 'string'
  );
}

/** A `ReadableStream`, a Node stream or an async iterable: what can be sent only once. */
function isStream(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  return (
    typeof (body as ReadableStream).getReader === 'function' ||
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** The document's URL in browsers; Deno without `--location` throws on reading it. */
function baseUrl(): string | undefined {
  try {
    return (globalThis as { location?: { href?: string } }).location?.href;
  } catch {
    return undefined;
  }
}
