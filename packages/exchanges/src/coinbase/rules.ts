import { type ClassifierRule, failure, ignore, onBody, type Verdict } from '@breakwater/core';
import { readJsonObject } from '../shared/readBody.ts';

/** Error names of Coinbase's rate limiter, in the v3 (`error`) and v2 (`errors[].id`) bodies. */
const rateLimitErrors: ReadonlySet<string> = new Set([
  'rate_limit_exceeded',
  'resource_exhausted',
  'too_many_requests',
]);

const serverErrors: ReadonlySet<string> = new Set([
  'internal',
  'internal_server_error',
  'internal_error',
  'unavailable',
  'service_unavailable',
]);

const authErrors: ReadonlySet<string> = new Set([
  'unauthenticated',
  'unauthorized',
  'authentication_error',
  'permission_denied',
  'invalid_token',
  'expired_token',
  'revoked_token',
  'invalid_scope',
]);

/** The verdict for a Coinbase error name (any case), or `undefined` when it is not known. */
export function coinbaseErrorVerdict(error: string): Verdict | undefined {
  const name = error.toLowerCase();
  if (rateLimitErrors.has(name)) return failure('rate_limit');
  if (serverErrors.has(name)) return failure('server');
  if (authErrors.has(name)) return ignore('auth');
  return undefined;
}

/**
 * Coinbase Advanced Trade answers a rejected order with HTTP 200 and
 * `{ "success": false, "failure_reason": …, "error_response": { "error": "INSUFFICIENT_FUND", … } }`:
 * the order was not placed. Rate-limit and internal errors in that body are failures, anything
 * else an ignored `client` error. Error bodies of other statuses (`{ "error": "…" }`,
 * `{ "errors": [{ "id": "…" }] }`) refine the status only for rate limits.
 * @see {@link https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/orders/create-order}
 */
const successFalseRule: ClassifierRule = onBody((body, response) => {
  const json = readJsonObject(body);
  if (json === undefined) return undefined;
  if (json.success === false) {
    const detail = readJsonObject(json.error_response);
    const error = typeof detail?.error === 'string' ? detail.error : '';
    const verdict = coinbaseErrorVerdict(error);
    return verdict?.verdict === 'failure' ? verdict : ignore('client');
  }
  // A 429 is the core's: it reads Retry-After, which a verdict from here would drop.
  if (response.status < 400 || response.status === 429) return undefined;
  const error = typeof json.error === 'string' ? json.error : firstErrorId(json.errors);
  const verdict = error === undefined ? undefined : coinbaseErrorVerdict(error);
  // Only a rate limit is worth overriding the status for (a 400 that says RESOURCE_EXHAUSTED).
  return verdict?.category === 'rate_limit' ? verdict : undefined;
});

function firstErrorId(errors: unknown): string | undefined {
  if (!Array.isArray(errors)) return undefined;
  const id = readJsonObject(errors[0])?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Classification rules for Coinbase Advanced Trade (`api.coinbase.com/api/v3/brokerage`) and
 * the v2 API that ccxt also calls: `success: false` order rejections, rate-limit error names in
 * any status. A 429 is a `rate_limit` failure even when Cloudflare sends it as an HTML page
 * (the core's default reads the status and `Retry-After`), 5xx are `server` failures (marked
 * `uncertainEffect` on order calls), 401/403 are ignored as `auth`.
 */
export const coinbaseRules: readonly ClassifierRule[] = Object.freeze([successFalseRule]);
