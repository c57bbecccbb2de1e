import {
  type CallContext,
  type ClassifierRule,
  failure,
  ignore,
  onStatus,
  type Verdict,
} from '@breakwater/core';
import { parseRetryAfter, type ResponseOutcome } from '@breakwater/core/adapter';
import type { FailedItem } from '../preset/types.ts';
import { batchVerdict } from '../shared/batchVerdict.ts';
import { cloudflareRule } from '../shared/cloudflareRule.ts';
import { readCode, readJsonObject, readString, readText } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';
import { unplacedVerdict } from '../shared/unplaced.ts';
import { untilMs } from '../shared/untilMs.ts';
import { type BinanceMarket, binanceChangesState, binanceMarket } from './endpoints.ts';

const bannedUntil = /banned until (\d{10,16})/i;

/** Binance bans last "from 2 minutes to 3 days"; a ban time further away is garbage. */
const maxBanMs = 4 * 24 * 3_600_000;

/**
 * The wait a Binance 418/429 asks for: the `Retry-After` header (seconds to wait, "in the case
 * of a 429, to prevent a ban, or, in the case of a 418, until the ban is over"), else the time
 * in "IP banned until <epoch ms>" of the `-1003` message, when it lies in the next four days.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits}
 */
export function binanceRetryAfterMs(response: ResponseOutcome, nowMs: number): number | undefined {
  const header = parseRetryAfter(response.header('retry-after'), nowMs);
  if (header !== undefined) return header;
  const msg = readJsonObject(response.body)?.msg;
  const match = bannedUntil.exec(typeof msg === 'string' ? msg : readText(response.body));
  return match === null ? undefined : untilMs(Number(match[1]), nowMs, maxBanMs);
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
 * later." means the execution status is unknown. Spot says no such thing: any 5xx on a spot
 * order leaves its execution status unknown.
 * @see {@link https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info}
 */
const futuresServiceUnavailableRule: ClassifierRule = onStatus(503, (response, ctx, nowMs) => {
  if (binanceMarket(ctx?.endpoint) === 'spot') return undefined;
  const body = readJsonObject(response.body);
  const msg = typeof body?.msg === 'string' ? body.msg : readText(response.body);
  if (!/^(service unavailable|internal error; unable to process)/i.test(msg.trim())) {
    return undefined;
  }
  const ms = parseRetryAfter(response.header('retry-after'), nowMs);
  return failure('server', {
    uncertainEffect: false,
    ...(ms === undefined ? {} : { retryAfterMs: ms }),
  });
});

/** A 403 from Binance is its Web Application Firewall: requests are being blocked. */
const wafRule: ClassifierRule = onStatus(403, failure('rate_limit'));

const server = failure('server');
const timeout = failure('timeout');
const rateLimited = failure('rate_limit');
const maintenance = failure('maintenance');
const requestError = ignore('client');
const authError = ignore('auth');

/** Codes whose verdict is not their range's, for every market, with Binance's name or message. */
const common: readonly (readonly [number, Verdict])[] = [
  [-1000, server], // UNKNOWN: an unknown error occurred while processing the request
  [-1001, server], // DISCONNECTED: internal error; unable to process your request
  [-1002, authError], // UNAUTHORIZED
  [-1003, rateLimited], // TOO_MANY_REQUESTS (a 418/429 carries its wait, above)
  [-1005, authError], // no such IP has been white listed
  [-1006, server], // UNEXPECTED_RESP: execution status unknown
  [-1007, timeout], // TIMEOUT: send status unknown, execution status unknown
  [-1008, server], // SERVER_BUSY: overloaded with other requests
  [-1010, server], // ERROR_MSG_RECEIVED
  [-1011, authError], // this IP cannot access this route
  [-1013, requestError], // INVALID_MESSAGE: rejected by the API (filter failures)
  [-1014, requestError], // UNKNOWN_ORDER_COMPOSITION
  [-1015, rateLimited], // TOO_MANY_ORDERS
  [-1016, requestError], // SERVICE_SHUTTING_DOWN: this service is no longer available
  [-1020, requestError], // UNSUPPORTED_OPERATION
  [-1021, requestError], // INVALID_TIMESTAMP: the local clock or recvWindow (the caller's)
  [-1022, authError], // INVALID_SIGNATURE
  [-1023, requestError], // start time is greater than end time
  [-1033, requestError], // COMP_ID_IN_USE
  [-1034, rateLimited], // TOO_MANY_CONNECTIONS
  [-1035, authError], // LOGGED_OUT
  [-1099, authError], // not found, authenticated, or authorized
  [-1109, authError], // invalid account
  [-1125, authError], // this listenKey does not exist
  [-2014, authError], // BAD_API_KEY_FMT
  [-2015, authError], // REJECTED_MBX_KEY: invalid API-key, IP, or permissions
];

/**
 * Spot and wallet (`/api`, `/sapi`) codes: -1004 is SERVER_BUSY, and the wallet, savings,
 * loan and margin APIs' failures and refusals (their -3xxx to -21xxx codes).
 * @see {@link https://developers.binance.com/docs/wallet/error-code}
 */
const spot: readonly (readonly [number, Verdict])[] = [
  [-1004, server], // SERVER_BUSY
  [-3000, server], // internal server error
  [-3029, server], // transfer failed
  [-3037, server], // PNL is clearing, wait a second
  [-3044, server], // system busy
  [-4005, rateLimited], // too many new requests
  [-4027, server], // failed to obtain tranId
  [-4031, server], // cancellation failed
  [-4037, server], // re-sending mail failed
  [-4045, server], // failure to acquire assets
  [-5010, server], // asset transfer fail
  [-6009, rateLimited], // request frequency too high
  [-6013, server], // purchasing failed
  [-10001, maintenance], // the system is under maintenance, please try again later
  [-10015, server], // collateral deduction failed
  [-10016, server], // failed to provide loan
  [-10023, server], // failed to adjust LTV
  [-10025, server], // repayment failed
  [-10032, server], // repayment is temporarily unavailable
  [-12014, rateLimited], // more than 1 request in 2 seconds
  [-21003, server], // fail to retrieve margin assets
  // Refused for who asked: keys, 2FA, account state, permissions.
  ...[
    -2008, -3001, -3014, -3018, -3019, -3022, -3036, -3043, -3999, -4004, -4007, -4008, -4010,
    -4012, -4013, -4015, -4016, -4017, -4035, -4036, -4039, -4044, -4046, -6003, -6017, -10047,
    -13003, -13007, -18005, 100_001_003, 200_003_903,
  ].map((code) => [code, authError] as const),
];

/**
 * Futures, options and portfolio-margin codes: -1004 is DUPLICATE_IP, -4xxx are order and
 * position refusals, and a few server failures and permission codes.
 * @see {@link https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code}
 */
const derivatives: readonly (readonly [number, Verdict])[] = [
  [-1004, requestError], // DUPLICATE_IP: this IP is already on the white list
  [-2012, server], // CANCEL_ALL_FAIL
  [-4078, server], // options internal error
  ...[-2017, -4056, -4057, -4080, -4192].map((code) => [code, authError] as const),
];

const marketOverrides: Readonly<Record<BinanceMarket, readonly (readonly [number, Verdict])[]>> = {
  spot,
  // USDⓈ-M: -4087 "user can only place reduce only order", -4088 "user can not place order",
  // -42xx and -440x account restrictions.
  linear: [
    ...derivatives,
    ...[-4087, -4088, -4202, -4203, -4205, -4206, -4400, -4401, -4402, -4403].map(
      (code) => [code, authError] as const,
    ),
  ],
  // COIN-M: -4087 and -4088 are parameter errors here.
  inverse: [
    ...derivatives,
    ...[-4089, -4090, -4194, -4195, -4200, -4201].map((code) => [code, authError] as const),
  ],
  // Options: -1008 is TOO_MANY_REQUEST; -3029 a failed transfer, as on spot.
  option: [...derivatives, [-1008, rateLimited], [-3029, server]],
  // Portfolio margin: -5041 is "time out for too many requests from this account queueing".
  portfolioMargin: [...derivatives, [-4087, authError], [-4088, authError], [-5041, rateLimited]],
};

/** Each market's table: the common codes under its own. */
const codes: Readonly<Record<BinanceMarket, ReadonlyMap<number, Verdict>>> = Object.fromEntries(
  Object.entries(marketOverrides).map(([market, own]) => [market, new Map([...common, ...own])]),
) as unknown as Record<BinanceMarket, ReadonlyMap<number, Verdict>>;

/**
 * Messages that say what their code does not (or that come without one): maintenance of the
 * wallet and savings APIs, an abnormal system, a rate limit, a refusal for the key's
 * permissions.
 */
const messages: readonly (readonly [RegExp, Verdict])[] = [
  [/^system is under maintenance/i, maintenance],
  [/^system abnormality/i, server],
  [/^too many requests\. please try again later/i, rateLimited],
  [
    /not authorized to execute this request|api key does not exist|rest api trading is not enabled|may not place or cancel orders|don't have permission|action is disabled on this account|symbol is (restricted|not permitted) for this account|has no operation privilege/i,
    authError,
  ],
];

/**
 * The verdict for a Binance error code: a known one from the table (by market, as `market`
 * says; the table names the request errors of the 10xx range), any other code from -1000 to
 * -1099 a `server` failure ("10xx: general server or network issues"), any other negative code an ignored `client` error (request issues, processing
 * issues, filter failures, the business errors of the wallet, savings, loan and futures APIs:
 * the request was answered), and any other code, which cannot be placed, an uncertain `unknown`
 * failure on a call that may change state, an ignored `client` error on others.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/errors}
 */
export function binanceCodeVerdict(
  code: number,
  market: BinanceMarket = 'spot',
  ctx?: CallContext,
): Verdict | undefined {
  if (code === 0 || code === 200) return undefined;
  const verdict = codes[market].get(code);
  if (verdict !== undefined) return verdict;
  if (code <= -1000 && code >= -1099) return server;
  if (code < 0) return requestError;
  return unplacedVerdict(ctx, binanceChangesState);
}

const codeRule: ClassifierRule = (outcome, ctx) => {
  const response = responseOf(outcome);
  const json = readJsonObject(response?.body);
  if (response === undefined || json === undefined) return undefined;
  const msg = readString(json.msg).trim();
  for (const [pattern, verdict] of messages) if (pattern.test(msg)) return verdict;
  const verdict =
    cancelReplaceVerdict(json, ctx) ?? codeVerdict(readCode(json.code), ctx, json.code);
  // A 5xx whose code is a client error stays a server failure (status unknown on orders).
  if (verdict === undefined || (verdict.verdict === 'ignore' && response.status >= 500)) {
    return undefined;
  }
  return verdict;
};

function codeVerdict(
  code: number | undefined,
  ctx: CallContext | undefined,
  raw: unknown,
): Verdict | undefined {
  if (code !== undefined) return binanceCodeVerdict(code, binanceMarket(ctx?.endpoint), ctx);
  // A code that is not a number: nothing Binance documents.
  return raw === undefined ? undefined : unplacedVerdict(ctx, binanceChangesState);
}

/**
 * `order/cancelReplace` answers a partial failure (HTTP 409, `-2021`) or a full one (`-2022`)
 * with the result of each half in `data`: the failed halves are the failed items.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/trading-endpoints}
 */
function cancelReplaceVerdict(
  json: Record<string, unknown>,
  ctx: CallContext | undefined,
): Verdict | undefined {
  const data = readJsonObject(json.data);
  if (data === undefined || (data.cancelResult === undefined && data.newOrderResult === undefined))
    return undefined;
  const market = binanceMarket(ctx?.endpoint);
  const failed: { item: FailedItem; verdict: Verdict }[] = [];
  ['cancelResponse', 'newOrderResponse'].forEach((field, index) => {
    const part = readJsonObject(data[field]);
    const code = readCode(part?.code);
    if (code === undefined) return;
    const verdict = binanceCodeVerdict(code, market, ctx) ?? requestError;
    const message = readString(part?.msg);
    failed.push({ item: { index, code: String(code), ...(message ? { message } : {}) }, verdict });
  });
  return batchVerdict(failed);
}

/**
 * Classification rules for Binance's REST APIs (`api.binance.com`, `fapi`, `dapi`, `eapi`,
 * `papi`): 429 and 418 with their `Retry-After` or ban time, futures 503 messages that say an
 * order was not executed, the WAF's 403, maintenance and failure messages, the halves of a
 * cancel-replace, and the `{ "code": -1121, "msg": "…" }` error body.
 *
 * Binance: "HTTP 5XX return codes are used for internal errors; the issue is on Binance's side.
 * It is important to NOT treat this as a failure operation; the execution status is UNKNOWN and
 * could have been a success." A 5xx on a spot order call is therefore a `server` failure marked
 * `uncertainEffect`, never retried.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-api-information}
 */
export const binanceRules: readonly ClassifierRule[] = Object.freeze([
  rateLimitRule,
  futuresServiceUnavailableRule,
  wafRule,
  codeRule,
  cloudflareRule,
]);
