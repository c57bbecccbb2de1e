import { type ClassifierRule, failure, ignore, type Verdict } from '@breakwater/core';
import type { FailedItem } from '../preset/types.ts';
import { batchVerdict } from '../shared/batchVerdict.ts';
import { cloudflareRule } from '../shared/cloudflareRule.ts';
import { readJsonObject, readString } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';

const rateLimited = failure('rate_limit');
const server = failure('server');
const requestError = ignore('client');
const authError = ignore('auth');

/**
 * Coinbase error names (any case), in the Advanced Trade (`error`, gRPC-style), v2
 * (`errors[].id`) and order (`error_response.error`) bodies, and their verdicts.
 * @see {@link https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/guides/errors}
 * @see {@link https://docs.cdp.coinbase.com/coinbase-app/api-architecture/error-messages}
 */
const names: ReadonlyMap<string, Verdict> = new Map([
  ['rate_limit_exceeded', rateLimited],
  ['resource_exhausted', rateLimited],
  ['too_many_requests', rateLimited],
  ['internal', server],
  ['internal_server_error', server],
  ['internal_error', server],
  ['unavailable', server],
  ['service_unavailable', server],
  ['deadline_exceeded', failure('timeout')],
  ['unauthenticated', authError],
  ['unauthorized', authError],
  ['authentication_error', authError],
  ['permission_denied', authError],
  ['invalid_token', authError],
  ['expired_token', authError],
  ['revoked_token', authError],
  ['invalid_scope', authError],
  ['invalid_authentication_method', authError],
  ['two_factor_required', authError],
  ['personal_details_required', authError],
  ['identity_verification_required', authError],
  ['jumio_verification_required', authError],
  ['jumio_face_match_verification_required', authError],
  ['unverified_email', authError],
  ['param_required', requestError],
  ['validation_error', requestError],
  ['invalid_request', requestError],
  ['invalid_argument', requestError],
  ['not_found', requestError],
  ['already_exists', requestError],
  ['failed_precondition', requestError],
  ['out_of_range', requestError],
  ['insufficient_fund', requestError],
  ['unsupported_order_configuration', requestError],
]);

// Clock and nonce errors are the caller's, on every exchange: `client`, whatever the name says.
const clockError = /request timestamp expired/i;

/** Messages that place an error whose name does not: funds, a missing order. */
const messages: readonly (readonly [RegExp, Verdict])[] = [
  [/insufficient balance/i, requestError],
  [/order with this orderid was not found/i, requestError],
];

/**
 * The verdict for a Coinbase error name (any case; `PREVIEW_…` order rejection reasons are
 * `client` errors) and its message (a clock error is `client` whatever its name), or
 * `undefined` when neither is known.
 */
export function coinbaseErrorVerdict(error: string, message = ''): Verdict | undefined {
  if (clockError.test(message)) return requestError;
  const name = error.toLowerCase();
  const known = names.get(name);
  if (known !== undefined) return known;
  if (name.startsWith('preview_')) return requestError;
  for (const [pattern, verdict] of messages) if (pattern.test(message)) return verdict;
  return undefined;
}

/** The error name and message of a Coinbase error body, in any of its shapes. */
function errorOf(json: Record<string, unknown>): { name: string; message: string } {
  const order = readJsonObject(json.error_response);
  if (order !== undefined) {
    return { name: readString(order.error), message: readString(order.message) };
  }
  if (typeof json.error === 'string') {
    return { name: json.error, message: readString(json.message) };
  }
  const first = Array.isArray(json.errors) ? readJsonObject(json.errors[0]) : undefined;
  return { name: readString(first?.id), message: readString(first?.message) };
}

/**
 * The verdict of a Coinbase answer:
 * - `success: false` (create, edit or close an order, HTTP 200): the order was not placed, so
 *   an ignored `client` error unless its error is a rate limit or an internal error;
 * - `results[]` with `success: false` items (batch cancel, HTTP 200): the failed cancels are the
 *   failed items, and the answer is ignored, never a success that closes a probe;
 * - a 429 whose body names an error that is not about rate (Coinbase sends some funds and
 *   argument errors with HTTP 429): that error's verdict, so it does not trip the breaker; a
 *   429 that names a rate limit, names nothing known, or has no JSON body stays the core's rate
 *   limit with its `Retry-After`;
 * - another 4xx whose body names a known error takes its verdict: a 400 `RESOURCE_EXHAUSTED` is
 *   a rate limit, a 401 "request timestamp expired" a clock error (`client`).
 * @see {@link https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/orders/create-order}
 * @see {@link https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/orders/cancel-order}
 */
const bodyRule: ClassifierRule = (outcome) => {
  const response = responseOf(outcome);
  const json = readJsonObject(response?.body);
  if (response === undefined || json === undefined) return undefined;
  if (json.success === false) {
    const { name, message } = errorOf(json);
    const verdict = coinbaseErrorVerdict(name, message);
    return verdict?.verdict === 'failure' ? verdict : requestError;
  }
  if (Array.isArray(json.results)) return batchItems(json.results);
  const status = response.status;
  if (status < 400 || status >= 500) return undefined;
  const { name, message } = errorOf(json);
  const verdict = coinbaseErrorVerdict(name, message);
  if (verdict === undefined) return undefined;
  // A 429 that names a failure stays the core's rate limit, which keeps Retry-After.
  return status === 429 && verdict.verdict === 'failure' ? undefined : verdict;
};

function batchItems(results: readonly unknown[]): Verdict | undefined {
  const failed: { item: FailedItem; verdict: Verdict }[] = [];
  results.forEach((entry, index) => {
    const result = readJsonObject(entry);
    if (result?.success !== false) return;
    const code = readString(result.failure_reason) || 'UNKNOWN';
    const verdict = coinbaseErrorVerdict(code) ?? requestError;
    failed.push({ item: { index, code }, verdict });
  });
  return batchVerdict(failed);
}

/**
 * Classification rules for Coinbase Advanced Trade (`api.coinbase.com/api/v3/brokerage`) and
 * the v2 API that ccxt also calls: order rejections and batch results in HTTP 200 bodies,
 * error names in any status, Cloudflare's 5xx pages by the cause they name. A 429 is a
 * `rate_limit` failure even when Cloudflare sends it as an HTML page (the core's default reads
 * the status and `Retry-After`), 5xx are `server` failures (uncertain on order calls), 401/403
 * are ignored as `auth`.
 */
export const coinbaseRules: readonly ClassifierRule[] = Object.freeze([bodyRule, cloudflareRule]);
