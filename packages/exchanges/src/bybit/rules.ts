import {
  type CallContext,
  type ClassifierRule,
  failure,
  ignore,
  onStatus,
  type Verdict,
} from '@breakwater/core';
import type { ResponseOutcome } from '@breakwater/core/adapter';
import type { FailedItem } from '../preset/types.ts';
import { batchVerdict } from '../shared/batchVerdict.ts';
import { cloudflareRule } from '../shared/cloudflareRule.ts';
import { readCode, readJsonObject, readPath, readString, readText } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';
import { unplacedVerdict } from '../shared/unplaced.ts';
import { untilMs } from '../shared/untilMs.ts';
import { bybitChangesState } from './endpoints.ts';

/**
 * How long a Bybit IP ban (HTTP 403 "access too frequent") lasts at least: "terminate all HTTP
 * sessions and wait for at least 10 minutes".
 * @see {@link https://bybit-exchange.github.io/docs/v5/rate-limit}
 */
export const bybitIpBanMs = 10 * 60_000;

/** A per-UID window resets within a second or so; a reset time a day away is garbage. */
const maxResetMs = 24 * 3_600_000;

/**
 * A 403 from Bybit is an IP ban, except CloudFront's country block, which no wait lifts: it is
 * ignored as `auth` so a bot in a blocked region does not flap a breaker every ten minutes.
 */
const ipBanRule: ClassifierRule = onStatus(403, (response) => {
  const text = readText(response.body);
  if (/block access from your country|not available in your (country|region)/i.test(text)) {
    return ignore('auth');
  }
  return failure('rate_limit', { retryAfterMs: bybitIpBanMs });
});

/** When the per-UID, per-endpoint window resets: `X-Bapi-Limit-Reset-Timestamp`, epoch ms. */
export function bybitResetInMs(response: ResponseOutcome, nowMs: number): number | undefined {
  const value = response.header('x-bapi-limit-reset-timestamp');
  return value === null || value.trim() === ''
    ? undefined
    : untilMs(Number(value), nowMs, maxResetMs);
}

const rateLimited = failure('rate_limit');
const server = failure('server');
const timeout = failure('timeout');
const maintenance = failure('maintenance');
const requestError = ignore('client');
const authError = ignore('auth');

/**
 * Bybit `retCode`s whose verdict is not their range's, with Bybit's message.
 * @see {@link https://bybit-exchange.github.io/docs/v5/error}
 */
const codes: ReadonlyMap<number, Verdict> = new Map([
  [429, server], // the trading service is experiencing a high server load
  [5004, timeout], // server timeout
  [10000, timeout], // server timeout
  [10001, requestError], // request parameter error
  [10002, requestError], // request time outside the time window: the caller's clock
  [10003, authError], // API key is invalid
  [10004, authError], // error sign
  [10005, authError], // permission denied
  [10007, authError], // user authentication failed
  [10008, authError], // common banned (account mode)
  [10009, authError], // IP has been banned
  [10010, authError], // unmatched IP
  [10014, requestError], // invalid duplicate request
  [10016, server], // server error, service restarting
  [10017, requestError], // route not found
  [10019, server], // service restarting
  [10020, authError], // not a unified margin account
  [10024, authError], // compliance rules triggered
  [10027, authError], // transactions are banned
  [10028, authError], // the API can only be accessed by unified account users
  [10029, authError], // the requested symbol is not in the key's whitelist
  [10429, rateLimited], // system level frequency protection
  [30033, requestError], // the number of stop orders exceeds the maximum
  [30035, rateLimited], // too fast to cancel
  [33004, authError], // API key has expired
  [-2015, authError], // invalid API-key, IP, or permissions (legacy spot)
  [100028, authError], // the API cannot be accessed by unified account users
  [131003, server], // internal error
  [131004, authError], // KYC needed
  [131090, authError], // user withdraw has been banned
  [131091, authError], // blocked login status does not allow withdrawals
  [131092, authError], // user status is abnormal
  [131200, server], // service error
  [131201, server], // internal error
  [131206, server], // fail to transfer
  [131216, server], // query balance error
  [170001, server], // internal error
  [170005, rateLimited], // too many new orders
  [170007, timeout], // timeout waiting for response from backend server
  [170032, server], // network error, please try again later
  [170146, timeout], // order creation timeout: the order may exist
  [170147, timeout], // order cancellation timeout
  [170149, server], // create order failed
  [170150, server], // cancel order failed
  [170209, authError], // trading pair only available in some regions
  [170222, rateLimited], // too many requests in this time frame
  [170234, server], // system error
  [340099, server], // server error
  [3400214, server], // server error, please try again later
  // The account may not do this: MMP or unified trading not enabled, a lending or
  // Innovation-Zone restriction, trading restricted, the leveraged-token quiz not passed.
  ...[
    110065, 110067, 110068, 110069, 140065, 140067, 140068, 140069, 170201, 170224, 175010, 176037,
  ].map((code) => [code, authError] as const),
]);

/**
 * Ranges of Bybit codes that reject a request as asked (parameters, balances, positions,
 * orders, assets, accounts), by the sections of Bybit's error page: the request was answered.
 */
const requestRanges: readonly (readonly [number, number])[] = [
  [-99_999, -1], // the legacy spot API's codes
  [7000, 7999], // request parameter types
  [11_000, 12_999], // legacy spot parameters and orders
  [30_000, 34_999], // legacy contract trading
  [110_000, 110_999], // UTA and contract trading
  [131_000, 131_999], // asset
  [140_000, 140_999], // classic contract trading
  [170_000, 170_999], // spot trading
  [175_000, 177_999], // spot margin and leveraged tokens
  [180_000, 182_999], // earn, crypto loan, institutional lending
  [3_100_000, 3_499_999], // unified account
];

/** What a message says a failure is, for codes the table does not name. */
const messages: readonly (readonly [RegExp, Verdict])[] = [
  [/invalid api_?key|sign params error|error sign/i, authError],
  [/maintenance/i, maintenance],
  [/too many (requests|visits)|too frequent|rate limit/i, rateLimited],
  [/\btimed? ?out\b/i, timeout],
  [
    /\b(server|internal|interal|system) error\b|service (is )?(unavailable|not available|restarting)|high server load|system (is )?busy/i,
    server,
  ],
];

/**
 * The verdict for a Bybit `retCode`: rate limits (10006 per UID, 10018 per IP) carry the wait
 * until `X-Bapi-Limit-Reset-Timestamp`; other codes in the table have its verdict; any other
 * code whose message says maintenance, a rate limit, a timeout or a server error has that
 * verdict; a code in a range of request errors is an ignored `client` error; and any other
 * code, which cannot be placed, is an uncertain `unknown` failure on a call that may change
 * state and an ignored `client` error on others.
 * @param response - the response, for the reset header and nothing else
 */
export function bybitRetCodeVerdict(
  retCode: number,
  response?: ResponseOutcome,
  nowMs: number = Date.now(),
  message = '',
  ctx?: CallContext,
): Verdict | undefined {
  if (retCode === 0) return undefined;
  if (retCode === 10006 || retCode === 10018) {
    const ms = response === undefined ? undefined : bybitResetInMs(response, nowMs);
    return ms === undefined ? rateLimited : failure('rate_limit', { retryAfterMs: ms });
  }
  const known = codes.get(retCode);
  if (known !== undefined) return known;
  for (const [pattern, verdict] of messages) if (pattern.test(message)) return verdict;
  for (const [min, max] of requestRanges) if (retCode >= min && retCode <= max) return requestError;
  return unplacedVerdict(ctx, bybitChangesState);
}

// Every status: a body rule that also needs the clock's time for the reset header.
const retCodeRule: ClassifierRule = (outcome, ctx, nowMs) => {
  const response = responseOf(outcome);
  const json = readJsonObject(response?.body);
  if (response === undefined || json === undefined) return undefined;
  const retCode = readCode(json.retCode ?? json.ret_code);
  if (retCode === undefined) return undefined;
  const message = readString(json.retMsg ?? json.ret_msg);
  const verdict =
    retCode === 0
      ? batchItems(json, response, nowMs, ctx)
      : bybitRetCodeVerdict(retCode, response, nowMs, message, ctx);
  if (verdict?.verdict === 'ignore' && response.status >= 500) return undefined;
  return verdict;
};

/**
 * Batch endpoints (`/v5/order/create-batch`, …) answer `retCode` 0 with each order's own code in
 * `retExtInfo.list`: the failed ones are the failed items.
 * @see {@link https://bybit-exchange.github.io/docs/v5/order/batch-place}
 */
function batchItems(
  json: Record<string, unknown>,
  response: ResponseOutcome,
  nowMs: number,
  ctx: CallContext | undefined,
): Verdict | undefined {
  const list = readPath(json, ['retExtInfo', 'list']);
  if (!Array.isArray(list)) return undefined;
  const failed: { item: FailedItem; verdict: Verdict }[] = [];
  list.forEach((entry, index) => {
    const item = readJsonObject(entry);
    const code = readCode(item?.code);
    if (code === undefined || code === 0) return;
    const message = readString(item?.msg);
    const verdict = bybitRetCodeVerdict(code, response, nowMs, message, ctx) ?? requestError;
    failed.push({ item: { index, code: String(code), ...(message ? { message } : {}) }, verdict });
  });
  return batchVerdict(failed);
}

/**
 * Classification rules for Bybit's v5 REST API (`api.bybit.com/v5/...`): HTTP 200 answers
 * carry `retCode` (0 is success) and, for batches, each order's code; 10006 "Too many visits!"
 * is a per-UID rate limit; an HTTP 403 is an IP ban of at least 10 minutes.
 */
export const bybitRules: readonly ClassifierRule[] = Object.freeze([
  ipBanRule,
  retCodeRule,
  cloudflareRule,
]);
