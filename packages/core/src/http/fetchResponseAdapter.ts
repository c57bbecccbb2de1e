import { type FetchBodyResponseLike, readResponseBody } from './readBodyForRules.ts';
import type { HttpResponseAdapter } from './types.ts';

/**
 * How {@link HttpGuard.execute} reads a Fetch `Response` (global, undici's, a polyfill's): its
 * status and headers, a clone's body for body rules, and cancelling the body of a response the
 * retry moves past so its connection is freed. For adapters that wrap a fetch function (fetch,
 * ky's `fetch` option).
 */
export const fetchResponseAdapter: HttpResponseAdapter<FetchBodyResponseLike> = Object.freeze({
  status: (response: FetchBodyResponseLike) => response.status,
  headers: (response: FetchBodyResponseLike) => response.headers,
  readBody: readResponseBody,
  discard(response: FetchBodyResponseLike) {
    if (response.bodyUsed || response.body === null) return;
    Promise.resolve(response.body.cancel()).catch(ignore);
  },
});

function ignore(): void {}
