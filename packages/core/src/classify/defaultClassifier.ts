import { isBreakwaterError } from '../errors/BreakwaterError.ts';
import { responseOutcome } from '../http/responseOutcome.ts';
import type { HttpHeaders } from '../http/types.ts';
import type { CallContext, Category, Outcome, ResponseOutcome, Verdict } from '../Outcome.ts';
import {
  findCause,
  hasCodeIn,
  isAbortError,
  isInvalidRequestError,
  isTimeoutError,
  networkErrorCode,
} from './errorTraits.ts';
import { retryAfterMs } from './parseRetryAfter.ts';
import { failure, ignore, successVerdict, withUncertainEffect } from './verdicts.ts';

/**
 * Classifies an outcome the way Breakwater does when no rule has an opinion.
 *
 * Responses: 1xx–3xx are a `success`. 408 is a `timeout` failure. 429, and 418 (Binance's IP
 * ban), are `rate_limit` failures carrying the `Retry-After` delay. 401, 403 and 407 are ignored
 * as `auth`, other 4xx as `client`: a bad API key must not open the breaker for everyone. 503 is
 * a `server` failure carrying `Retry-After` when present, other 5xx a `server` failure. Any
 * other status (such as 0) is an `unknown` failure.
 *
 * Errors, looking through each error's `cause` chain: a rejection by another Breakwater policy
 * (an open breaker, a full bulkhead, a rate limiter) is ignored as `rejected`, so inner policies
 * never count against an outer breaker; a timeout (see {@link isTimeoutError}) is a `timeout`
 * failure; a caller's abort (see {@link isAbortError}) is ignored as `cancelled`; an error
 * carrying an HTTP response (axios, got, ky) is classified as that response (see
 * {@link responseFromError}); a network failure (see {@link networkErrorCode}) is a `network`
 * failure; anything else is an `unknown` failure.
 *
 * When `ctx.idempotent` is `false`, a `server`, `timeout` or `network` failure is marked
 * `uncertainEffect: true` (the request may have taken effect), except when the connection was
 * never made: `ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`, `EHOSTUNREACH`, `ENETUNREACH`,
 * `ENETDOWN`, `UND_ERR_CONNECT_TIMEOUT`.
 *
 * It never throws: a value that cannot be inspected (a revoked proxy, a throwing getter or
 * `header()`) is an `unknown` failure. The common verdicts are shared frozen objects.
 *
 * @param nowMs - the current epoch time, used only for a `Retry-After` HTTP-date. The breaker
 * passes its clock's time; when omitted, `Date.now()` is read, and only for such a date.
 * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 | RFC 9110 §10.2.3 Retry-After}
 * @example
 * ```ts
 * defaultClassifier({ kind: 'error', error: new TypeError('fetch failed') });
 * // { verdict: 'failure', category: 'network' }
 * ```
 */
export function defaultClassifier(outcome: Outcome, ctx?: CallContext, nowMs?: number): Verdict {
  try {
    const verdict =
      outcome.kind === 'response'
        ? classifyResponse(outcome, nowMs)
        : classifyError(outcome.error, nowMs);
    return applyUncertainEffect(verdict, outcome, ctx);
  } catch {
    // A classifier runs inside the breaker's settle path, so it must not throw whatever it is
    // given; what cannot be inspected cannot be trusted either.
    return failure('unknown');
  }
}

function classifyResponse(response: ResponseOutcome, nowMs: number | undefined): Verdict {
  const status = response.status;
  if (status >= 100 && status < 400) return successVerdict;
  if (status >= 400 && status < 500) {
    if (status === 429 || status === 418) return withRetryAfter('rate_limit', response, nowMs);
    if (status === 408) return failure('timeout');
    if (status === 401 || status === 403 || status === 407) return ignore('auth');
    return ignore('client');
  }
  if (status >= 500 && status < 600) {
    return status === 503 ? withRetryAfter('server', response, nowMs) : failure('server');
  }
  return failure('unknown');
}

function withRetryAfter(
  category: Category,
  response: ResponseOutcome,
  nowMs: number | undefined,
): Verdict {
  const ms = retryAfterMs(response.header('retry-after'), nowMs);
  return ms === undefined ? failure(category) : failure(category, { retryAfterMs: ms });
}

/** Codes of Breakwater's own rejections: nothing was sent, so an outer breaker ignores them. */
const rejectionCodes: ReadonlySet<unknown> = new Set([
  'BREAKWATER_OPEN',
  'BREAKWATER_BULKHEAD_REJECTED',
  'BREAKWATER_RATE_LIMITED',
]);

function isRejection(link: object): boolean {
  return isBreakwaterError(link) && rejectionCodes.has(link.code);
}

function classifyError(error: unknown, nowMs: number | undefined): Verdict {
  if (findCause(error, isRejection, undefined) !== undefined) return ignore('rejected');
  // Breakwater's own TimeoutError is named `TimeoutError` and coded BREAKWATER_TIMEOUT: the
  // timeout test covers it.
  if (isTimeoutError(error)) return failure('timeout');
  if (isAbortError(error)) return ignore('cancelled');
  const response = responseFromError(error);
  if (response !== undefined) return classifyResponse(response, nowMs);
  if (isInvalidRequestError(error)) return ignore('client');
  if (networkErrorCode(error) !== undefined) return failure('network');
  return failure('unknown');
}

/** Failures where the request provably never left: the connection was never established. */
const nothingSentCodes: ReadonlySet<unknown> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Marks a `server`, `timeout` or `network` failure on a call known to be non-idempotent as
 * `uncertainEffect: true`, unless the verdict already says either way or the connection was
 * never made. Not part of the public API: {@link createClassifier} applies it after rules.
 */
export function applyUncertainEffect(
  verdict: Verdict,
  outcome: Outcome,
  ctx: CallContext | undefined,
): Verdict {
  if (ctx?.idempotent !== false) return verdict;
  if (verdict.verdict !== 'failure' || verdict.uncertainEffect !== undefined) return verdict;
  const category = verdict.category;
  if (category !== 'server' && category !== 'timeout' && category !== 'network') return verdict;
  if (outcome.kind === 'error' && findCause(outcome.error, hasCodeIn, nothingSentCodes)) {
    return verdict;
  }
  return withUncertainEffect(verdict);
}

/**
 * The HTTP response carried by an error, as a {@link ResponseOutcome}: axios' `AxiosError`
 * (`error.response.status`, `AxiosHeaders` or a plain object, `data`), ky's `HTTPError` (a fetch
 * `Response`), got's `HTTPError` (`error.response.statusCode`, lower-cased plain headers,
 * `body`). The `cause` chain is searched. The body is kept only when it is already a string, a
 * plain object or an array: a stream or buffer is never read. `undefined` when there is none.
 */
export function responseFromError(error: unknown): ResponseOutcome | undefined {
  const link = findCause(error, hasResponse, undefined);
  if (link === undefined) return undefined;
  const response = (link as { response: HttpResponseLike }).response;
  const status = typeof response.status === 'number' ? response.status : response.statusCode;
  return responseOutcome(status as number, response.headers as HttpHeaders, bodyOf(response));
}

/**
 * `outcome` itself when it is a response, the response an error carries otherwise. Not part of
 * the public API: the status, header and body rules read it.
 */
export function responseOf(outcome: Outcome): ResponseOutcome | undefined {
  return outcome.kind === 'response' ? outcome : responseFromError(outcome.error);
}

interface HttpResponseLike {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly headers?: unknown;
  readonly data?: unknown;
  readonly body?: unknown;
}

function hasResponse(link: object): boolean {
  const response = (link as { response?: HttpResponseLike }).response;
  return (
    typeof response === 'object' &&
    response !== null &&
    (typeof response.status === 'number' || typeof response.statusCode === 'number')
  );
}

function bodyOf(response: HttpResponseLike): unknown {
  const body = response.data !== undefined ? response.data : response.body;
  if (typeof body === 'string' || Array.isArray(body)) return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(body);
  return proto === Object.prototype || proto === null ? body : undefined;
}
