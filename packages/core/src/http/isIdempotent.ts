import { readHeader } from './readHeader.ts';
import type { HttpHeaders } from './types.ts';

/** Methods RFC 9110 defines as idempotent. */
const idempotentMethods: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
  'TRACE',
]);

/**
 * True when a request is safe to repeat: its method is idempotent (GET, HEAD, OPTIONS, PUT,
 * DELETE, TRACE), or it carries an `Idempotency-Key` header, which makes the server deduplicate
 * it (Stripe, Coinbase, the IETF draft). Only such requests are retried, and a failure of any
 * other (a POST order) is marked `uncertainEffect`: it may have taken effect.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2 | RFC 9110 §9.2.2 Idempotent Methods}
 * @see {@link https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/ | The Idempotency-Key HTTP Header Field}
 * @example `isIdempotent('POST', { 'Idempotency-Key': crypto.randomUUID() }) // true`
 */
export function isIdempotent(method: string, headers?: HttpHeaders | null): boolean {
  if (isIdempotentMethod(method)) return true;
  return readHeader(headers, 'idempotency-key') !== null;
}

/**
 * True when `method` (any case) is idempotent whatever the headers say. Not part of the public
 * API: the HTTP guard reuses a context only when its idempotency did not depend on headers.
 */
export function isIdempotentMethod(method: string): boolean {
  return idempotentMethods.has(method) || idempotentMethods.has(method.toUpperCase());
}
