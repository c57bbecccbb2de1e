import {
  type CallContext,
  type ClassifierRule,
  failure,
  ignore,
  type Verdict,
} from '@breakwater/core';
import type { FailedItem } from '../preset/types.ts';
import { batchVerdict } from '../shared/batchVerdict.ts';
import { cloudflareRule } from '../shared/cloudflareRule.ts';
import { readCode, readJsonObject, readString } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';
import { unplacedVerdict } from '../shared/unplaced.ts';
import { okxChangesState } from './endpoints.ts';

const rateLimited = failure('rate_limit');
const maintenance = failure('maintenance');
const server = failure('server');
const timeout = failure('timeout');
const network = failure('network');
const requestError = ignore('client');
const authError = ignore('auth');

/**
 * OKX error codes whose verdict is not their range's, with OKX's message.
 * @see {@link https://www.okx.com/docs-v5/en/#error-code-rest-api}
 */
const codes: ReadonlyMap<number, Verdict> = new Map([
  [50001, maintenance], // 503 service temporarily unavailable (matching engine upgrading)
  // 50004: "does not mean that the request was successful or failed, please check the request
  // result": a timeout, uncertain on an order.
  [50004, timeout],
  [50005, maintenance], // 410 API is offline or unavailable
  [50011, rateLimited], // 429 rate limit reached
  [50013, server], // system is busy, please try again later
  [50026, server], // system error, please try again later
  [50061, rateLimited], // sub-account order rate limit reached
  [50102, requestError], // timestamp request expired: the caller's clock
  [50112, requestError], // invalid OK-ACCESS-TIMESTAMP: the caller's clock
  [50115, requestError], // invalid request method
  [51113, rateLimited], // market-price liquidation requests too frequent
  [51149, timeout], // order timed out, please try again later: the order may exist
  [51767, maintenance], // system maintenance, please retry
  [51774, maintenance], // OKUSD API is under maintenance
  [58007, server], // abnormal assets interface, please try again later
  [58102, rateLimited], // transfer too frequent
  [58112, server], // your fund transfer failed, please try again later
  [63999, server], // internal system error
  // WebSocket codes, for completeness: a preset never sees them over REST.
  [4003, rateLimited],
  [4004, network],
  [4005, server],
  [4008, rateLimited],
  [60006, requestError],
  [60014, rateLimited],
  [60015, network],
  [60016, server],
  [60023, rateLimited],
  [64008, maintenance],
  // The account may not do this: blocked, suspended, KYC or VIP level too low, a region, a
  // trading or withdrawal password, a login (WebSocket).
  ...[
    4001, 4007, 50007, 50008, 50009, 50027, 51009, 51010, 51024, 51732, 51733, 51734, 51763, 51773,
    58001, 58002, 58004, 58101, 58204, 58213, 59113, 59260, 59262, 59508, 60001, 60002, 60003,
    60004, 60005, 60007, 60008, 60009, 60010, 60011, 60021, 60022, 60024, 60026, 60029, 60030,
    60031, 60032, 64003,
  ].map((code) => [code, authError] as const),
]);

/** What a message says a failure is, for codes the table does not name. */
const messages: readonly (readonly [RegExp, Verdict])[] = [
  [/maintenance|upgrading/i, maintenance],
  [/too frequent|rate limit/i, rateLimited],
  [/\btimed? ?out\b/i, timeout],
  [/\b(server|internal|system) error\b|system is busy/i, server],
];

/**
 * The verdict for an OKX `code` or `sCode`: a known one from the table; 50100–50119 (API key,
 * passphrase, signature, IP) ignored as `auth`; any other code whose message says maintenance,
 * a rate limit, a timeout or a server error that verdict; any other code from 50000 to 99999
 * (the general, API, trade, funding, account, WebSocket and block-trading classes) an ignored
 * `client` error; and any other code, which cannot be placed, an uncertain `unknown` failure on
 * a call that may change state and an ignored `client` error on others.
 * @see {@link https://www.okx.com/docs-v5/en/#error-code}
 */
export function okxCodeVerdict(code: number, message = '', ctx?: CallContext): Verdict | undefined {
  if (code === 0) return undefined;
  const known = codes.get(code);
  if (known !== undefined) return known;
  if (code >= 50100 && code <= 50119) return authError;
  for (const [pattern, verdict] of messages) if (pattern.test(message)) return verdict;
  if (code >= 50000 && code <= 99999) return requestError;
  return unplacedVerdict(ctx, okxChangesState);
}

/**
 * OKX bodies carry `code` (a numeric string; `"0"` is success). Trade endpoints answer `code:
 * "1"` or `"2"` (all or some operations failed) with each order's `sCode` in `data`: the failed
 * orders are the failed items, and the most severe decides, so a batch with one `50001` counts
 * as maintenance and a partial success with rejected orders is ignored, never a success.
 */
const codeRule: ClassifierRule = (outcome, ctx) => {
  const response = responseOf(outcome);
  const json = readJsonObject(response?.body);
  if (response === undefined || json === undefined) return undefined;
  const code = readCode(json.code);
  if (code === undefined || code === 0) return undefined;
  // 1 and 2: all or some operations failed; without items to tell why, the request was refused.
  const verdict =
    code === 1 || code === 2
      ? ((Array.isArray(json.data) ? batchItems(json.data, ctx) : undefined) ?? requestError)
      : okxCodeVerdict(code, readString(json.msg), ctx);
  if (verdict?.verdict === 'ignore' && response.status >= 500) return undefined;
  return verdict;
};

function batchItems(data: readonly unknown[], ctx: CallContext | undefined): Verdict | undefined {
  const failed: { item: FailedItem; verdict: Verdict }[] = [];
  data.forEach((entry, index) => {
    const item = readJsonObject(entry);
    const sCode = readCode(item?.sCode);
    if (sCode === undefined || sCode === 0) return;
    const message = readString(item?.sMsg);
    const verdict = okxCodeVerdict(sCode, message, ctx) ?? requestError;
    failed.push({ item: { index, code: String(sCode), ...(message ? { message } : {}) }, verdict });
  });
  return batchVerdict(failed);
}

/**
 * Classification rules for OKX's v5 REST API (`www.okx.com/api/v5/...`): the `code` of the body
 * (50011 rate limit, 50001 maintenance, 50004 endpoint timeout with an unknown outcome,
 * 50013/50026 busy or system error, 501xx key and signature errors) and the per-order `sCode`s
 * of trade endpoints.
 */
export const okxRules: readonly ClassifierRule[] = Object.freeze([codeRule, cloudflareRule]);
