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
  let url: URL;
  try {
    url = input instanceof URL ? input : new URL(request?.url ?? String(input), baseUrl());
  } catch {
    return undefined;
  }
  const body = init?.body !== undefined ? init.body : request?.body;
  return {
    url,
    method: init?.method ?? request?.method ?? 'GET',
    headers: init?.headers ?? request?.headers,
    replayable: body === undefined || body === null || !isStream(body),
  };
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
