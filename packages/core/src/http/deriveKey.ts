import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { requestOrigin } from './fetchRequestInfo.ts';
import type { HttpRequestInfo } from './types.ts';

/**
 * Names the breaker of a request: by default its origin (`https://api.kraken.com`), so one
 * failing host never opens the breaker of another; with a `key` function, whatever it returns
 * (an endpoint group such as `binance:orders`, for APIs whose endpoints fail apart).
 *
 * A key names the breaker in errors, events and metrics: it must not hold a query string, a
 * token or anything secret.
 *
 * @throws BreakwaterConfigError when `key` returns something other than a non-empty string
 * @example
 * ```ts
 * deriveKey({ url: new URL('https://api.kraken.com/0/public/Time?x=1'), method: 'GET' });
 * // 'https://api.kraken.com'
 * ```
 */
export function deriveKey(
  request: HttpRequestInfo,
  key?: (request: HttpRequestInfo) => string,
): string {
  if (key === undefined) return requestOrigin(request);
  const name: unknown = key(request);
  if (typeof name !== 'string' || name.length === 0) {
    throw new BreakwaterConfigError('key', 'a function that returns a non-empty string', name);
  }
  return name;
}
