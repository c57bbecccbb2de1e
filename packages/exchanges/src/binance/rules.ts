import {
  type ClassifierRule,
  failure,
  ignore,
  onBody,
  onStatus,
  type Verdict,
} from '@breakwater/core';
import { parseRetryAfter, type ResponseOutcome } from '@breakwater/core/adapter';
import { readCode, readJsonObject, readText } from '../shared/readBody.ts';
import { untilMs } from '../shared/untilMs.ts';

const bannedUntil = /banned until (\d{10,16})/i;

/**
 * The wait a Binance 418/429 asks for: the `Retry-After` header (seconds to wait, "in the case
 * of a 429, to prevent a ban, or, in the case of a 418, until the ban is over"), else the time
 * in "IP banned until <epoch ms>" of the `-1003` message.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits}
 */
export function binanceRetryAfterMs(response: ResponseOutcome, nowMs: number): number | undefined {
  const header = parseRetryAfter(response.header('retry-after'), nowMs);
  if (header !== undefined) return header;
  const msg = readJsonObject(response.body)?.msg;
  const match = bannedUntil.exec(typeof msg === 'string' ? msg : readText(response.body));
  return match === null ? undefined : untilMs(Number(match[1]), nowMs);
}

/**
 * 429 (request weight or order-count limit) and 418 (IP auto-banned after ignoring 429s) are
 * `rate_limit` failures carrying the wait; a ban scales from 2 minutes to 3 days.
 */
const rateLimitRule: ClassifierRule = onStatus([418, 429], (response, _ctx, nowMs) => {
  const ms = binanceRetryAfterMs(response, nowMs);
  return ms === undefined ? failure('rate_limit') : failure('rate_limit', { retryAfterMs: ms });
});

/**
 * Binance's futures, options and portfolio-margin APIs say what a 503 means by its message:
 * "Service Unavailable." and "Internal error; unable to process your request." are failed
 * operations (nothing was executed), "Unknown error, please check your request or try again
 * later." means the execution status is unknown.
 * @see {@link https://developers.binance.com/docs/derivatives/option/general-info}
 */
const serviceUnavailableRule: ClassifierRule = onStatus(503, (response, _ctx, nowMs) => {
  const body = readJsonObject(response.body);
  const msg = typeof body?.msg === 'string' ? body.msg : readText(response.body);
  const ms = parseRetryAfter(response.header('retry-after'), nowMs);
  if (/^(service unavailable|internal error; unable to process)/i.test(msg.trim())) {
    return failure('server', {
      uncertainEffect: false,
      ...(ms === undefined ? {} : { retryAfterMs: ms }),
    });
  }
  return undefined;
});

/** A 403 from Binance is its Web Application Firewall: requests are being blocked. */
const wafRule: ClassifierRule = onStatus(403, failure('rate_limit'));

/**
 * Binance error codes and their verdicts.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/errors}
 */
const codes: ReadonlyMap<number, Verdict> = new Map([
  [-1000, failure('server')], // UNKNOWN
  [-1001, failure('server')], // DISCONNECTED: internal error, try again
  [-1003, failure('rate_limit')], // TOO_MANY_REQUESTS (a 418/429 is handled above, with its wait)
  [-1004, failure('server')], // SERVER_BUSY
  [-1006, failure('server')], // UNEXPECTED_RESP: execution status unknown
  [-1007, failure('timeout')], // TIMEOUT: send status unknown, execution status unknown
  [-1008, failure('server')], // SERVER_BUSY: overloaded
  [-1015, failure('rate_limit')], // TOO_MANY_ORDERS
  [-1002, ignore('auth')], // UNAUTHORIZED
  [-1021, ignore('client')], // INVALID_TIMESTAMP: the local clock or recvWindow
  [-1022, ignore('auth')], // INVALID_SIGNATURE
  [-2014, ignore('auth')], // BAD_API_KEY_FMT
  [-2015, ignore('auth')], // REJECTED_MBX_KEY: invalid API-key, IP, or permissions
]);

const requestError = ignore('client');

/**
 * The verdict for a Binance error code: a known one from the table, any other negative code
 * an ignored `client` error (filter failures, unknown orders, insufficient balance).
 */
export function binanceCodeVerdict(code: number): Verdict | undefined {
  return codes.get(code) ?? (code < 0 ? requestError : undefined);
}

const codeRule: ClassifierRule = onBody((body, response) => {
  // A 5xx without a known code stays a server failure (status unknown on orders).
  const code = readCode(readJsonObject(body)?.code);
  if (code === undefined) return undefined;
  const verdict = binanceCodeVerdict(code);
  if (verdict?.verdict === 'ignore' && response.status >= 500) return undefined;
  return verdict;
});

/**
 * Classification rules for Binance's REST APIs (`api.binance.com`, `fapi`, `dapi`, `eapi`,
 * `papi`): 429 and 418 with their `Retry-After` or ban time, 503 messages that say whether an
 * order was executed, the WAF's 403, and the `{ "code": -1121, "msg": "…" }` error body.
 *
 * Binance: "HTTP 5XX return codes are used for internal errors; the issue is on Binance's side.
 * It is important to NOT treat this as a failure operation; the execution status is UNKNOWN and
 * could have been a success." A 5xx on an order call is therefore a `server` failure marked
 * `uncertainEffect` (by the core classifier), never retried.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-api-information}
 */
export const binanceRules: readonly ClassifierRule[] = Object.freeze([
  rateLimitRule,
  serviceUnavailableRule,
  wafRule,
  codeRule,
]);
