import { HttpResponse } from 'msw';
import type { Fault } from './types.ts';

/**
 * Fails every request as a network error (`HttpResponse.error()`): no status, no headers, as
 * when a connection is refused or reset. How each client reports it (msw 3.0.5, Node 24):
 *
 * | client | error the caller gets | retried by the client |
 * | --- | --- | --- |
 * | native `fetch` | `TypeError: fetch failed` | no retries built in |
 * | ky | `NetworkError` (cause `TypeError: fetch failed`) | yes |
 * | axios (fetch adapter) | `AxiosError` `ERR_NETWORK` | no retries built in |
 * | axios (http adapter) | `AxiosError` named `TypeError`, no `code` | no retries built in |
 * | got | `RequestError` `ERR_GOT_REQUEST_ERROR` "Network error" | no: it has no errno |
 * | `node:http` | `TypeError: Network error` | n/a |
 *
 * Breakwater's default classifier counts all of them as `network` failures. It is not a socket
 * reset: to see got's `ECONNRESET` retries, test against a loopback server that destroys the
 * socket.
 *
 * @example
 * ```ts
 * server.use(http.get('https://api.example.com/ticker', failTimes(2, { with: connectionError() })));
 * ```
 */
export function connectionError(): Fault {
  return () => HttpResponse.error();
}
