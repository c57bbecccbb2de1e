import {
  type BreakerRequestOptions,
  BreakwaterConfigError,
  type HttpBreakerOptions,
} from '@breakwater/core';
import {
  type FetchBodyResponseLike,
  type FetchInitLike,
  type FetchInput,
  fetchRequestInfo,
  fetchResponseAdapter,
  fetchSignal,
  HttpGuard,
} from '@breakwater/core/adapter';

/** The per-request field `withBreaker` adds to fetch's `init`. */
export interface BreakwaterInit {
  /** Per-request options: `bypass`, `key`, `timeoutMs`, `retry`, `idempotent`, `context`. */
  breakwater?: BreakerRequestOptions;
}

/**
 * Any fetch-compatible function: `globalThis.fetch`, undici's `fetch`, a polyfill. Its
 * parameters are `never` here so that every fetch, whatever its own input and init types, fits.
 */
export type FetchFunction = (input: never, init?: never) => Promise<FetchBodyResponseLike>;

/** How the wrapper calls the fetch it wraps: with what its caller passed. */
type CallableFetch = (input: unknown, init?: unknown) => Promise<FetchBodyResponseLike>;

/**
 * `fetchFn`'s own signature, with `init.breakwater` added: `typeof fetch` for the global fetch,
 * undici's types for undici's.
 */
export type BreakerFetch<F extends FetchFunction = typeof fetch> = (
  input: Parameters<F>[0],
  init?: InitOf<F> & BreakwaterInit,
) => ReturnType<F>;

/** The `init` type of a fetch function (`NonNullable` would collapse to `never` here). */
type InitOf<F> = F extends (input: never, init?: infer I) => unknown
  ? Exclude<I, undefined>
  : never;

/**
 * Wraps a fetch function in circuit breakers, one per origin (or per `key`): a request to an
 * open breaker rejects with `BreakerOpenError` before anything is sent; responses and errors are
 * classified by the core (5xx, 429 with Retry-After, network errors and timeouts count; 4xx and
 * auth errors do not); a caller's abort releases the permit. With `retry`, idempotent requests
 * are retried, each attempt one breaker call; with `timeoutMs`, each attempt gets a deadline.
 * Responses and errors reach the caller unchanged.
 *
 * Without a fetch (`withBreaker()`, `withBreaker(options)`), each call uses the
 * `globalThis.fetch` of that moment, so a fetch installed later (MSW's `server.listen()`, a
 * polyfill) is used. A fetch passed in (`withBreaker(fetchFn, options)`) is the one called, for
 * the wrapper's lifetime: `withBreaker(globalThis.fetch)` keeps the global of the moment it was
 * created.
 *
 * @param options - see `HttpBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * const fetch = withBreaker({ timeoutMs: 5_000, retry: { maxAttempts: 3 } });
 * const res = await fetch('https://api.kraken.com/0/public/Time');
 * await fetch(url, { method: 'POST', body, breakwater: { bypass: true } });
 * const undiciGuarded = withBreaker(undiciFetch, { timeoutMs: 5_000 });
 * ```
 */
export function withBreaker(options?: HttpBreakerOptions): BreakerFetch<typeof fetch>;
/**
 * {@link withBreaker} over the `globalThis.fetch` of each call, as `withBreaker(options)`.
 * @param fetchFn - `undefined`
 * @param options - see `HttpBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when an option is invalid
 */
export function withBreaker(
  fetchFn: undefined,
  options?: HttpBreakerOptions,
): BreakerFetch<typeof fetch>;
/**
 * {@link withBreaker} over `fetchFn`, kept for the wrapper's lifetime.
 * @typeParam F - the wrapped fetch's type; the result has its signature
 * @param fetchFn - the fetch to wrap: undici's `fetch`, a polyfill, `globalThis.fetch` as it is
 *   now; `undefined` for the global fetch of each call
 * @param options - see `HttpBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when `fetchFn` is not a function or an option is invalid
 */
export function withBreaker<F extends FetchFunction = typeof fetch>(
  fetchFn: F | undefined,
  options?: HttpBreakerOptions,
): BreakerFetch<F>;
export function withBreaker(
  fetchOrOptions?: FetchFunction | HttpBreakerOptions,
  maybeOptions?: HttpBreakerOptions,
): BreakerFetch<FetchFunction> {
  const [fetchFn, options] =
    typeof fetchOrOptions === 'object' && fetchOrOptions !== null && maybeOptions === undefined
      ? [undefined, fetchOrOptions]
      : [fetchOrOptions, maybeOptions];
  if (fetchFn !== undefined && typeof fetchFn !== 'function') {
    throw new BreakwaterConfigError(
      'fetchFn',
      "a fetch function (undici's fetch, a polyfill), or nothing for the global fetch",
      fetchFn,
    );
  }
  const guard = new HttpGuard(options);
  const send = (fetchFn as CallableFetch | undefined) ?? globalFetch;
  const wrapped = (input: FetchInput, init?: FetchInitLike & BreakwaterInit) => {
    // No fetch to call is a mistake of setup, not an outage: reject before taking a permit.
    if (fetchFn === undefined && typeof globalThis.fetch !== 'function') {
      return Promise.reject(
        new BreakwaterConfigError(
          'fetchFn',
          'a fetch function, or a global fetch at the time of the call',
          undefined,
        ),
      );
    }
    const request = fetchRequestInfo(input, init);
    // A URL fetch cannot parse: fetch rejects it as it always does.
    if (request === undefined) return send(input, init);
    const callerSignal = fetchSignal(input, init);
    const perRequest = init?.breakwater;
    return guard.execute(
      request,
      perRequest,
      (signal) =>
        signal === callerSignal && perRequest === undefined
          ? send(input, init)
          : send(input, ownInit(init, signal)),
      fetchResponseAdapter,
      callerSignal,
    );
  };
  return wrapped as unknown as BreakerFetch<FetchFunction>;
}

/** The global fetch of the moment of each call: MSW and polyfills replace it after imports. */
const globalFetch: CallableFetch = (input, init) =>
  (globalThis.fetch as unknown as CallableFetch)(input, init);

/**
 * fetch's own init for an attempt: every field fetch would read from the caller's `init` (its
 * inherited ones too: fetch reads a `Request` or a prototype's fields as init, and a spread
 * would drop them), without `breakwater`, with `signal`, the signal to honour.
 */
function ownInit(
  init: (FetchInitLike & BreakwaterInit) | undefined,
  signal: AbortSignal | undefined,
): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key in init) {
    if (key !== 'breakwater') own[key] = (init as Record<string, unknown>)[key];
  }
  own.signal = signal;
  return own;
}
