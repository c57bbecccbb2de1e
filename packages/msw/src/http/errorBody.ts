import { expectInteger } from '@breakwater/core/adapter';
import { HttpResponse, type JsonBodyType } from 'msw';
import { expectHeaders, readOptions } from '../internal/validate.ts';
import type { Fault } from './types.ts';

/** Options for {@link errorBody}. */
export interface ErrorBodyOptions {
  /**
   * Status of the response: exchanges report many errors with a success status.
   * @defaultValue `200`
   */
  status?: number;
  /**
   * Extra response headers.
   * @defaultValue none
   */
  headers?: Record<string, string>;
}

/**
 * Answers every request with a JSON error body and, by default, HTTP 200: the exchange style,
 * where only the body says that the call failed. Classify it with a body rule (`onBody`) or an
 * exchange preset: the default classifier sees a success.
 *
 * @example
 * ```ts
 * // Kraken: service unavailable, reported in a 200.
 * server.use(
 *   http.get('https://api.kraken.com/0/public/Ticker', errorBody({ error: ['EService:Unavailable'] })),
 * );
 * // OKX: `code` "50001" with an empty `data`.
 * errorBody({ code: '50001', msg: 'Service temporarily unavailable', data: [] });
 * ```
 * @throws BreakwaterConfigError when an option is invalid
 */
export function errorBody(body: JsonBodyType, options?: ErrorBodyOptions): Fault {
  const raw = readOptions('', options, { status: true, headers: true });
  const status = expectInteger('status', raw.status ?? 200, 200, 599);
  const headers = expectHeaders('headers', raw.headers ?? {});
  return () => HttpResponse.json(body, { status, headers });
}
