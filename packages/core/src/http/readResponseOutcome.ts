import type { ResponseOutcome } from '../Outcome.ts';
import { selectBodyRuleFor } from './readBodyForRules.ts';
import { responseOutcome } from './responseOutcome.ts';
import type { HttpHeaders, HttpRequestInfo, ResolvedBodyRule } from './types.ts';

/**
 * How an adapter reads the body of `source` for body rules: the body as rules see it (parsed
 * JSON or text; see `bufferedBody` and `readResponseBody`), or a promise of it; `undefined` when
 * it cannot be read. Called at most once per response, and only when a body rule applies.
 */
export type BodyReader<S> = (source: S, maxBytes: number) => unknown;

/**
 * The outcome of a response: its status and headers, and the body `read` returns when a body
 * rule applies to it (`selectBodyRule`). A body that arrives later makes a promise of the
 * outcome, which never rejects: a body that cannot be read (`read` throws or rejects) is left
 * out, as it would fail for the caller too. Not part of the public API: adapters call
 * `HttpGuard.settleResponse()`.
 *
 * `read` takes its `source` as an argument so that `HttpGuard.execute()` passes one reader for
 * every response instead of a closure per response.
 */
export function readResponseOutcome<S>(
  bodyRules: readonly ResolvedBodyRule[],
  request: HttpRequestInfo,
  status: number,
  headers: HttpHeaders | null | undefined,
  read: BodyReader<S> | undefined,
  source: S,
): ResponseOutcome | Promise<ResponseOutcome> {
  // `request.url` may be parsed on first read: only a body rule's `match` needs it.
  if (read === undefined || bodyRules.length === 0) return responseOutcome(status, headers);
  const rule = selectBodyRuleFor(bodyRules, status, headers, request);
  if (rule === undefined) return responseOutcome(status, headers);
  let body: unknown;
  try {
    body = read!(source, rule.maxBytes);
  } catch {
    return responseOutcome(status, headers);
  }
  if (!isThenable(body)) return responseOutcome(status, headers, body);
  return Promise.resolve(body).then(
    (arrived) => responseOutcome(status, headers, arrived),
    () => responseOutcome(status, headers),
  );
}

/** A JSON or text body is never a thenable: one with a `then` method is a promise of a body. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
