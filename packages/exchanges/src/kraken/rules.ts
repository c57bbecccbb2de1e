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
import { mostSevere } from '../shared/mostSevere.ts';
import { readJsonObject, readPath } from '../shared/readBody.ts';
import { responseOf } from '../shared/responseOf.ts';
import { unplacedVerdict } from '../shared/unplaced.ts';
import { epochMsOf, untilMs } from '../shared/untilMs.ts';
import { krakenChangesState } from './endpoints.ts';
import { type KrakenError, parseKrakenError } from './errors.ts';

/**
 * How long Kraken's `EGeneral:Temporary lockout` lasts: "approximately 15 minutes" per Kraken
 * support (the developer guide says "a few minutes"; the longer figure is the safe one, and
 * every call during the lockout resets its timer).
 * @see {@link https://support.kraken.com/hc/en-us/articles/360001491786-API-Error-Codes}
 */
export const krakenLockoutMs = 15 * 60_000;

/** The longest `EService:Throttled` wait taken as one; a later time is garbage. */
const maxThrottleMs = 24 * 3_600_000;

const rateLimited = failure('rate_limit');
const maintenance = failure('maintenance');
// The market's mode refused the order: it was not placed.
const modeRejected = failure('maintenance', { uncertainEffect: false });
const server = failure('server');
const requestError = ignore('client');
const authError = ignore('auth');

/**
 * Kraken errors (`<category>:<type>`, severity letter included) and their verdicts.
 * @see {@link https://docs.kraken.com/api/docs/guides/spot-errors}
 * @see {@link https://support.kraken.com/hc/en-us/articles/360001491786-API-error-messages}
 */
const known: ReadonlyMap<string, Verdict> = new Map([
  ['EAPI:Rate limit exceeded', rateLimited],
  ['EOrder:Rate limit exceeded', rateLimited],
  ['EOrder:Domain rate limit exceeded', rateLimited],
  ['EAuth:Rate limit exceeded', rateLimited],
  ['EAuth:Too many requests', rateLimited],
  ['EGeneral:Too many requests', rateLimited],
  ['EGeneral:Temporary lockout', failure('rate_limit', { retryAfterMs: krakenLockoutMs })],
  ['EService:Unavailable', maintenance],
  ['EService:Market in cancel_only mode', modeRejected],
  ['EService:Market in post_only mode', modeRejected],
  ['EService:Market in limit_only mode', modeRejected],
  ['EService:Market in reduce_only mode', modeRejected],
  ['EService:Busy', server],
  ['EService:Deadline elapsed', failure('timeout')],
  ['EGeneral:Internal error', server],
  ['EDatabase:Internal error', server],
  // Clock and nonce errors are the caller's, on every exchange: `client`.
  ['EAPI:Invalid nonce', requestError],
  ['EAPI:Invalid key', authError],
  ['EAPI:Invalid signature', authError],
  ['EGeneral:Permission denied', authError],
  ['EAuth:Account temporary disabled', authError],
  ['EAuth:Account unconfirmed', authError],
  ['EAccount:Invalid permissions', authError],
  ['ESession:Invalid session', authError],
  ['ETrade:User Locked', authError],
]);

/**
 * Categories whose errors reject the request as asked (bad arguments, unknown orders,
 * insufficient funds, a feature turned off): the request was answered, so they are ignored as
 * `client` errors. `EService` and `EDatabase` are Kraken's own failures.
 */
const requestCategories: ReadonlySet<string> = new Set([
  'EAPI',
  'EOrder',
  'EQuery',
  'EFunding',
  'ETrade',
  'EAuth',
  'EAccount',
  'ESession',
  'EBM',
]);

const knownGeneral: ReadonlySet<string> = new Set([
  'Invalid arguments',
  'Unknown method',
  'Invalid request',
]);

/**
 * The verdict for one Kraken error string (see {@link parseKrakenError} for the grammar): a
 * known one from the table; `EService: Throttled: <unix time>` a rate limit until that time;
 * any other `EService`/`EDatabase` error a `server` failure; any other error of a request
 * category (`EOrder`, `EQuery`, `EFunding`, …) and `EGeneral:Invalid arguments` an ignored
 * `client` error; anything else, which cannot be placed, an uncertain `unknown` failure on a
 * call that may change state and an ignored `client` error on others; warnings (`W…`) no
 * opinion.
 * @param nowMs - the current epoch time, for `EService:Throttled`
 */
export function krakenErrorVerdict(
  error: string,
  ctx?: CallContext,
  nowMs: number = Date.now(),
): Verdict | undefined {
  const parsed = parseKrakenError(error);
  if (parsed === undefined) return unplacedVerdict(ctx, krakenChangesState);
  if (parsed.severity === 'W') return undefined;
  return verdictOf(parsed, ctx, nowMs);
}

function verdictOf(error: KrakenError, ctx: CallContext | undefined, nowMs: number): Verdict {
  const key = `${error.category}:${error.type}`;
  if (key === 'EService:Throttled') {
    const wait = untilMs(epochMsOf(error.extra), nowMs, maxThrottleMs);
    return wait === undefined ? rateLimited : failure('rate_limit', { retryAfterMs: wait });
  }
  const verdict = known.get(key);
  if (verdict !== undefined) return verdict;
  if (error.category === 'EService' || error.category === 'EDatabase') return server;
  if (requestCategories.has(error.category)) return requestError;
  if (error.category === 'EGeneral' && knownGeneral.has(error.type)) return requestError;
  return unplacedVerdict(ctx, krakenChangesState);
}

/**
 * Kraken answers HTTP 200 with `{ "error": [...], "result": ... }`; a non-empty `error` array
 * means the request failed. The most severe error of the array decides; an empty array (or
 * only warnings) leaves the decision to the per-order errors of a batch, then to the status.
 */
export const krakenErrorArrayRule: ClassifierRule = (outcome, ctx, nowMs) => {
  const body = responseOf(outcome)?.body;
  if (body === undefined) return undefined;
  const json = readJsonObject(body);
  const errors = json?.error;
  if (Array.isArray(errors) && errors.length > 0) {
    const verdicts: Verdict[] = [];
    for (const error of errors) {
      if (typeof error !== 'string') continue;
      const verdict = krakenErrorVerdict(error, ctx, nowMs);
      if (verdict !== undefined) verdicts.push(verdict);
    }
    const verdict = mostSevere(verdicts);
    if (verdict !== undefined) return verdict;
  }
  return batchOrders(json, ctx, nowMs);
};

/** `AddOrderBatch` answers each order on its own: `result.orders[i].error` for a rejected one. */
function batchOrders(
  json: Record<string, unknown> | undefined,
  ctx: CallContext | undefined,
  nowMs: number,
): Verdict | undefined {
  const orders = readPath(json, ['result', 'orders']);
  if (!Array.isArray(orders)) return undefined;
  const failed: { item: FailedItem; verdict: Verdict }[] = [];
  orders.forEach((order, index) => {
    const error = readJsonObject(order)?.error;
    if (typeof error !== 'string' || error === '') return;
    const verdict = krakenErrorVerdict(error, ctx, nowMs);
    if (verdict !== undefined) failed.push({ item: { index, code: error }, verdict });
  });
  return batchVerdict(failed);
}

/**
 * Classification rules for Kraken's spot REST API (`api.kraken.com/0/...`): the `error` array
 * of an HTTP 200 answer (Kraken's grammar, `EService: Throttled: <unix time>` with its wait),
 * the per-order errors of `AddOrderBatch`, and Cloudflare's 5xx pages by the cause they name.
 * Other statuses (429, plain 5xx) fall through to the core's default classification.
 *
 * @example
 * ```ts
 * const classify = createClassifier(krakenRules);
 * ```
 */
export const krakenRules: readonly ClassifierRule[] = Object.freeze([
  krakenErrorArrayRule,
  cloudflareRule,
]);
