import { type ClassifierRule, failure, ignore, onStatus, type Verdict } from '@breakwater/core';
import type { ResponseOutcome } from '@breakwater/core/adapter';
import { readCode, readJsonObject, readText } from '../shared/readBody.ts';
import { untilMs } from '../shared/untilMs.ts';

/**
 * How long a Bybit IP ban (HTTP 403 "access too frequent") lasts at least: "terminate all HTTP
 * sessions and wait for at least 10 minutes".
 * @see {@link https://bybit-exchange.github.io/docs/v5/rate-limit}
 */
export const bybitIpBanMs = 10 * 60_000;

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
  return value === null ? undefined : untilMs(Number(value), nowMs);
}

/**
 * Bybit `retCode`s and their verdicts.
 * @see {@link https://bybit-exchange.github.io/docs/v5/error}
 */
const codes: ReadonlyMap<number, Verdict> = new Map([
  [10000, failure('timeout')], // server timeout
  [10016, failure('server')], // server error, service restarting
  [10001, ignore('client')], // parameter error
  [10002, ignore('client')], // request time outside recv_window: the local clock
  [10003, ignore('auth')], // API key is invalid
  [10004, ignore('auth')], // signature error
  [10005, ignore('auth')], // permission denied
  [10007, ignore('auth')], // user authentication failed
  [10010, ignore('auth')], // unmatched IP
]);

const requestError = ignore('client');

/**
 * The verdict for a Bybit `retCode`: rate limits (10006 per UID, 10018 per IP) carry the wait
 * until `X-Bapi-Limit-Reset-Timestamp`; other known codes come from the table; any other
 * non-zero code is an ignored `client` error (insufficient balance, unknown order).
 */
export function bybitRetCodeVerdict(
  retCode: number,
  response: ResponseOutcome,
  nowMs: number,
): Verdict | undefined {
  if (retCode === 0) return undefined;
  if (retCode === 10006 || retCode === 10018) {
    const ms = bybitResetInMs(response, nowMs);
    return ms === undefined ? failure('rate_limit') : failure('rate_limit', { retryAfterMs: ms });
  }
  return codes.get(retCode) ?? requestError;
}

// onStatus over every status: the body rule needs the clock's time for the reset header.
const retCodeRule: ClassifierRule = onStatus({ min: 100, max: 599 }, (response, _ctx, nowMs) => {
  const retCode = readCode(readJsonObject(response.body)?.retCode);
  if (retCode === undefined) return undefined;
  const verdict = bybitRetCodeVerdict(retCode, response, nowMs);
  if (verdict?.verdict === 'ignore' && response.status >= 500) return undefined;
  return verdict;
});

/**
 * Classification rules for Bybit's v5 REST API (`api.bybit.com/v5/...`): HTTP 200 answers
 * carry `retCode` (0 is success), 10006 "Too many visits!" is a per-UID rate limit, and an
 * HTTP 403 is an IP ban of at least 10 minutes.
 */
export const bybitRules: readonly ClassifierRule[] = Object.freeze([ipBanRule, retCodeRule]);
