import type { CallContext } from '../Outcome.ts';
import type { RetryPolicyOptions } from '../policies/RetryPolicy.ts';
import type { HeadersInput } from '../redact/redactHeaders.ts';

/**
 * The HTTP glue: what every HTTP adapter (fetch, axios, got, ky, the undici interceptor) shares.
 * An adapter turns its client's request into an {@link HttpRequestInfo}, asks an `HttpGuard` for
 * a permit, and settles it with the client's response or error; everything else lives here.
 */

/**
 * Request or response headers in any shape the clients use: a Fetch `Headers`, a plain object
 * (Node's `IncomingHttpHeaders`, got), an iterable of `[name, value]` pairs (`HeadersInit`), or
 * anything with a `get(name)` method (axios' `AxiosHeaders`, a `Map`).
 */
export type HttpHeaders =
  | HeadersInput
  | {
      /** A header's value by name, in any case. */
      get(name: string): unknown;
    };

/** What the HTTP glue needs to know about a request: where it goes, how, and its headers. */
export interface HttpRequestInfo {
  /** The absolute URL. Only its origin (or what a `key` function picks) names a breaker. */
  readonly url: URL;
  /** The HTTP method, any case. */
  readonly method: string;
  /** The request headers, read only for `Idempotency-Key` and by `key` functions. */
  readonly headers?: HttpHeaders | undefined;
  /**
   * `false` when the request body cannot be sent twice (a stream): such a request is never
   * retried by the HTTP retry.
   * @defaultValue `true`
   */
  readonly replayable?: boolean | undefined;
}

/**
 * When to read a response body so that classifier rules (`onBody`) can see it as
 * `outcome.body`. A body is read only when a rule matches, its content type is JSON or text, and
 * its declared `Content-Length` (if any) is at most `maxBytes`; at most `maxBytes` are read, from
 * a clone, so the caller's body is untouched. Exchanges answer HTTP 200 with an error body: this
 * is how a breaker sees it.
 */
export interface BodyRule {
  /**
   * Which responses to read, by status, lower-case content type (`''` when absent) and URL.
   * @defaultValue every JSON or text response
   * @example `(status, contentType, url) => status === 200 && url.pathname.startsWith('/0/')`
   */
  match?: (status: number, contentType: string, url: URL) => boolean;
  /**
   * The largest body read, in bytes; a longer one is not read at all.
   * @defaultValue `65536` (64 KiB)
   */
  maxBytes?: number;
}

/** A validated {@link BodyRule}. */
export interface ResolvedBodyRule {
  /** The rule's `match`, or `undefined` to read every JSON or text response. */
  readonly match: ((status: number, contentType: string, url: URL) => boolean) | undefined;
  readonly maxBytes: number;
}

/**
 * Per-request options every HTTP adapter accepts (fetch: `init.breakwater`; axios: the request
 * config's `breakwater`; got and ky: `context.breakwater`; undici: the dispatch options'
 * `breakwater`). Adapters whose client retries by itself take them without `retry`:
 * {@link HookRequestOptions}.
 */
export interface BreakerRequestOptions {
  /**
   * Sends the request as if the client were not wrapped: no breaker, no retry, no deadline and
   * no `onResponse` (a health check that must reach the server even while the breaker is open).
   * @defaultValue `false`
   */
  bypass?: boolean;
  /** The breaker key for this request instead of the derived one (an endpoint group). */
  key?: string;
  /**
   * A deadline for this request in milliseconds, overriding the adapter's `timeoutMs`;
   * `Infinity` sets none.
   */
  timeoutMs?: number;
  /** Retry options for this request, replacing the adapter's; `false` turns retry off. */
  retry?: false | Omit<RetryPolicyOptions, 'classifyResult'>;
  /**
   * Whether the request is safe to repeat, overriding the method and `Idempotency-Key` check.
   * Only idempotent requests are retried, and a failed non-idempotent one is `uncertainEffect`.
   */
  idempotent?: boolean;
  /** Fields merged over the derived call context (an `endpoint` name for events, say). */
  context?: Partial<CallContext>;
}

/** Per-request options of an adapter whose client retries by itself: no `retry`. */
export type HookRequestOptions = Omit<BreakerRequestOptions, 'retry'>;

/**
 * How `HttpGuard.execute()` reads a client's resolved value (a fetch `Response`, an undici
 * response). See `fetchResponseAdapter` for fetch's.
 */
export interface HttpResponseAdapter<R> {
  /** The response's HTTP status. */
  status(response: R): number;
  /** The response's headers, if it has any. */
  headers(response: R): HttpHeaders | null | undefined;
  /**
   * Reads at most `maxBytes` of the body without consuming the caller's (see `BodyRule`): the
   * body as rules see it, or a promise of it. Called as a plain function, without `this`.
   */
  readBody?(response: R, maxBytes: number): unknown;
  /** Frees a response the retry moves past and nobody will read (cancels its body). */
  discard?(response: R): void;
}
