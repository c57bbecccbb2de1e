import type { CallContext } from '../Outcome.ts';
import { isIdempotent } from './isIdempotent.ts';
import type { HttpRequestInfo } from './types.ts';

/**
 * The {@link CallContext} of an HTTP request, which reaches the classifier rules, the retry
 * policy and events: the breaker `key`, the upper-case method, the `endpoint` (the key: a
 * low-cardinality name, never the path or the query) and whether the request is idempotent
 * ({@link isIdempotent}, unless `idempotent` says otherwise). `extra` fields are merged last.
 *
 * @example
 * ```ts
 * createCallContext({ url, method: 'post', headers }, 'https://api.kraken.com');
 * // { key: 'https://api.kraken.com', method: 'POST', endpoint: 'https://api.kraken.com', idempotent: false }
 * ```
 */
export function createCallContext(
  request: HttpRequestInfo,
  key: string,
  idempotent?: boolean,
  extra?: Partial<CallContext>,
): CallContext {
  const method = request.method.toUpperCase();
  const context: CallContext = {
    key,
    method,
    endpoint: key,
    idempotent: idempotent ?? isIdempotent(method, request.headers),
  };
  return extra === undefined ? context : { ...context, ...extra };
}
