import type { ErrorOutcome } from '../Outcome.ts';

/**
 * The one place that decides what a thrown value means: timeout, caller's abort, or network
 * failure. Every client reports these differently (a DOMException, an axios code, a got or ky
 * class, undici's `TypeError('fetch failed')` with the real error as its `cause`), so each test
 * looks through the `cause` chain and is driven by the tables below.
 */

/** How deep the `cause` chain is followed; also what ends a cyclic chain. */
const maxDepth = 8;

/**
 * Returns the first link of `error`'s `cause` chain (starting with `error` itself, at most 8
 * deep) for which `test(link, arg)` is true. `arg` saves callers a closure. Not part of the
 * public API.
 */
export function findCause<A>(
  error: unknown,
  test: (link: object, arg: A) => boolean,
  arg: A,
): object | undefined {
  let current = error;
  try {
    for (let depth = 0; depth < maxDepth; depth++) {
      if (typeof current !== 'object' || current === null) return undefined;
      if (test(current, arg)) return current;
      const next: unknown = (current as { cause?: unknown }).cause;
      if (next === current) return undefined;
      current = next;
    }
  } catch {
    // A revoked proxy or a throwing `name`, `code` or `cause` getter: what cannot be read says
    // nothing, and the caller's settle path must never throw.
  }
  return undefined;
}

function nameOf(link: object): unknown {
  return (link as { name?: unknown }).name;
}

function codeOf(link: object): unknown {
  return (link as { code?: unknown }).code;
}

/** True when the link's `code` is one of `codes`. Not part of the public API. */
export function hasCodeIn(link: object, codes: ReadonlySet<unknown>): boolean {
  return codes.has(codeOf(link));
}

/** True when the link's `name` is one of `names`. Not part of the public API. */
export function hasNameIn(link: object, names: ReadonlySet<unknown>): boolean {
  return names.has(nameOf(link));
}

/**
 * Codes clients use for a deadline that passed: Node's socket timeout, axios (`ECONNABORTED`
 * for its `timeout` option, `ETIMEDOUT` with `clarifyTimeoutError`), undici's connect, headers
 * and body timeouts, the `request` library, and Breakwater's own {@link TimeoutError}.
 */
const timeoutCodes: ReadonlySet<unknown> = new Set([
  'ETIMEDOUT',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'BREAKWATER_TIMEOUT',
]);

/** `AbortSignal.timeout()`'s DOMException, ky's, got's and Breakwater's timeout classes. */
const timeoutNames: ReadonlySet<unknown> = new Set(['TimeoutError']);

/** A caller's abort: the DOM's and Node's `AbortError`, axios' `CanceledError`, got's `CancelError`. */
const abortNames: ReadonlySet<unknown> = new Set(['AbortError', 'CanceledError', 'CancelError']);
const abortCodes: ReadonlySet<unknown> = new Set(['ERR_CANCELED', 'ABORT_ERR', 'ERR_ABORTED']);

/**
 * Connection-level failures: refused, reset, DNS, unreachable, TLS, a socket closed early.
 * `ERR_SSL_…` and `CERT_…` codes are matched by prefix.
 */
const networkCodes: ReadonlySet<unknown> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_NETWORK',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);
const networkCodePrefixes = ['ERR_SSL_', 'CERT_'] as const;

/**
 * What `fetch` rejects with when the request never got a response, per engine: undici,
 * Chromium, Firefox, Safari, and MSW's `HttpResponse.error()`.
 */
const fetchFailureMessages: ReadonlySet<unknown> = new Set([
  'fetch failed',
  'Failed to fetch',
  'NetworkError when attempting to fetch resource.',
  'Load failed',
  'Network error',
]);

/** Error classes that always mean a network failure (ky's `NetworkError`). */
const networkNames: ReadonlySet<unknown> = new Set(['NetworkError']);

/** The code reported for a network failure recognised by its class or message, not a code. */
const genericNetworkCode = 'ERR_NETWORK';

function isTimeoutLink(link: object): boolean {
  return timeoutNames.has(nameOf(link)) || timeoutCodes.has(codeOf(link));
}

function isAbortLink(link: object): boolean {
  return abortNames.has(nameOf(link)) || abortCodes.has(codeOf(link));
}

function isNetworkCodeLink(link: object): boolean {
  const code = codeOf(link);
  if (typeof code !== 'string') return false;
  if (networkCodes.has(code)) return true;
  for (const prefix of networkCodePrefixes) if (code.startsWith(prefix)) return true;
  return false;
}

function isNetworkShapeLink(link: object): boolean {
  const name = nameOf(link);
  if (networkNames.has(name)) return true;
  return name === 'TypeError' && fetchFailureMessages.has((link as { message?: unknown }).message);
}

/**
 * True when `error` means a deadline passed: its name, or a name in its `cause` chain, is
 * `TimeoutError` (`AbortSignal.timeout()`, ky, got, Breakwater's own), or it carries a client
 * timeout code (`ETIMEDOUT`, axios' `ECONNABORTED`, undici's `UND_ERR_…_TIMEOUT`,
 * `ESOCKETTIMEDOUT`). An `AbortError` caused by a `TimeoutError` is a timeout.
 */
export function isTimeoutError(error: unknown): boolean {
  return findCause(error, isTimeoutLink, undefined) !== undefined;
}

/**
 * True when `error` means the caller cancelled the call: an `AbortError`, axios'
 * `CanceledError` or got's `CancelError`, or the codes `ERR_CANCELED`, `ABORT_ERR`,
 * `ERR_ABORTED`, with no timeout anywhere in its `cause` chain (see {@link isTimeoutError}).
 * A cancelled call releases its permit and counts as nothing.
 */
export function isAbortError(error: unknown): boolean {
  return findCause(error, isAbortLink, undefined) !== undefined && !isTimeoutError(error);
}

/** What an abort signal says about itself: an `AbortSignal`, or undici's dispatch controller. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/**
 * What an ended call means when it may have been aborted: the one rule of Breakwater, applied by
 * the breaker, the HTTP glue and every adapter, so that no client decides it differently.
 *
 * - `'timeout'`: `error` is a timeout (see {@link isTimeoutError}); or the caller's `signal`
 *   aborted with a timeout reason (`AbortSignal.timeout()`, even when the client replaced it with
 *   its own `AbortError` or `CanceledError`); or `deadline`, a signal the client aborts only when
 *   its own deadline passes (ky's per-request signal, ccxt's timer), aborted while the caller's
 *   signal did not.
 * - `'cancelled'`: the caller's `signal` aborted with any other reason, or `error` is an abort
 *   (see {@link isAbortError}). A cancelled call counts as nothing.
 * - `undefined`: the call was not aborted; classify `error` as it is.
 */
export function abortMeaning(
  error: unknown,
  signal?: AbortState,
  deadline?: AbortState,
): 'timeout' | 'cancelled' | undefined {
  if (isTimeoutError(error)) return 'timeout';
  if (signal?.aborted === true) return isTimeoutError(signal.reason) ? 'timeout' : 'cancelled';
  if (deadline?.aborted === true) return 'timeout';
  return isAbortError(error) ? 'cancelled' : undefined;
}

/**
 * The outcome to record for a call that ended with `error`, by {@link abortMeaning}: `undefined`
 * for a cancellation (give the permit back), an outcome whose error is a timeout for a timeout
 * (the signal's `TimeoutError` reason when the client replaced it, so every classifier rule sees
 * a timeout), and `error` itself otherwise.
 */
export function outcomeOfError(
  error: unknown,
  signal?: AbortState,
  deadline?: AbortState,
): ErrorOutcome | undefined {
  const meaning = abortMeaning(error, signal, deadline);
  if (meaning === 'cancelled') return undefined;
  if (meaning === undefined || isTimeoutError(error)) return { kind: 'error', error };
  if (signal?.aborted === true) return { kind: 'error', error: signal.reason };
  return { kind: 'error', error: clientDeadlineError(error) };
}

/** What a client's own deadline abort becomes: a `TimeoutError` caused by the client's error. */
function clientDeadlineError(cause: unknown): Error {
  const error = new Error('The client aborted the request at its own deadline.', { cause });
  error.name = 'TimeoutError';
  return error;
}

/**
 * The network error code of `error` or of an error in its `cause` chain (`ECONNRESET`,
 * `ECONNREFUSED`, `ENOTFOUND`, undici's `UND_ERR_SOCKET`, TLS `ERR_SSL_…`/`CERT_…`, …), or
 * `'ERR_NETWORK'` when the error is a network failure known only by its shape: fetch's
 * `TypeError` (`fetch failed`, `Failed to fetch`, …) or ky's `NetworkError`. `undefined` when it
 * is not a network failure. Timeouts are not network failures: see {@link isTimeoutError}.
 */
export function networkErrorCode(error: unknown): string | undefined {
  const withCode = findCause(error, isNetworkCodeLink, undefined);
  if (withCode !== undefined) return codeOf(withCode) as string;
  return findCause(error, isNetworkShapeLink, undefined) === undefined
    ? undefined
    : genericNetworkCode;
}

/**
 * Codes of errors raised while a request is being built, before anything is sent: the caller's
 * input was wrong (a header value with a newline, a malformed URL, an option the client does not
 * accept). Node, undici, axios and got.
 */
const invalidRequestCodes: ReadonlySet<unknown> = new Set([
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_URL',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_INVALID_PROTOCOL',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_NOT_SUPPORT',
]);

/** What `fetch` rejects with, as a `TypeError` without a cause, when it cannot build a request. */
const invalidFetchMessage =
  /^Headers\.|invalid header (name|value)|Failed to parse URL|Invalid URL|cannot have body|Request cannot be constructed/i;

function isInvalidRequestLink(link: object): boolean {
  if (invalidRequestCodes.has(codeOf(link))) return true;
  const name = nameOf(link);
  if (name === 'OptionsError') return true; // got's invalid options
  return (
    name === 'TypeError' &&
    (link as { cause?: unknown }).cause === undefined &&
    invalidFetchMessage.test(String((link as { message?: unknown }).message))
  );
}

/**
 * True when `error` was raised while the request was being built, before anything was sent, by
 * the caller's own input: an invalid header or URL, an option the client rejects (Node's and
 * undici's `ERR_INVALID_…` codes, axios' `ERR_BAD_OPTION…`, got's `OptionsError`, fetch's
 * `TypeError`s such as `Headers.append: … is an invalid header value`). Such a call says nothing
 * about the dependency: one caller's mistake must not open the breaker for everyone.
 */
export function isInvalidRequestError(error: unknown): boolean {
  return findCause(error, isInvalidRequestLink, undefined) !== undefined;
}
