import { type ClassifierRule, failure, ignore, onBody, type Verdict } from '@breakwater/core';
import { mostSevere } from '../shared/mostSevere.ts';
import { readJsonObject } from '../shared/readBody.ts';

/**
 * How long Kraken's `EGeneral:Temporary lockout` lasts: "approximately 15 minutes" per Kraken
 * support (the developer guide says "a few minutes"; the longer figure is the safe one, and
 * every call during the lockout resets its timer).
 * @see {@link https://support.kraken.com/hc/en-us/articles/360001491786-API-Error-Codes}
 */
export const krakenLockoutMs = 15 * 60_000;

const rateLimited = failure('rate_limit');

/**
 * Kraken error strings (`E<Category>:<Type>`, extra detail after a third colon ignored) and
 * their verdicts. Documented in Kraken's error guide and support article.
 * @see {@link https://docs.kraken.com/api/docs/guides/spot-errors}
 * @see {@link https://support.kraken.com/hc/en-us/articles/360001491786-API-error-messages}
 */
const known: Readonly<Record<string, Verdict>> = {
  'EAPI:Rate limit exceeded': rateLimited,
  'EOrder:Rate limit exceeded': rateLimited,
  'EOrder:Domain rate limit exceeded': rateLimited,
  'EAuth:Rate limit exceeded': rateLimited,
  'EAuth:Too many requests': rateLimited,
  'EGeneral:Too many requests': rateLimited,
  'EGeneral:Temporary lockout': failure('rate_limit', { retryAfterMs: krakenLockoutMs }),
  'EService:Unavailable': failure('maintenance'),
  'EService:Market in cancel_only mode': failure('maintenance'),
  'EService:Market in post_only mode': failure('maintenance'),
  'EService:Market in limit_only mode': failure('maintenance'),
  'EService:Busy': failure('server'),
  'EService:Deadline elapsed': failure('timeout'),
  'EGeneral:Internal error': failure('server'),
  'EAPI:Invalid key': ignore('auth'),
  'EAPI:Invalid signature': ignore('auth'),
  'EAPI:Invalid nonce': ignore('auth'),
  'EAPI:Bad request': ignore('client'),
  'EGeneral:Permission denied': ignore('auth'),
  'EAuth:Account temporary disabled': ignore('auth'),
  'EAuth:Account unconfirmed': ignore('auth'),
  'EAccount:Invalid permissions': ignore('auth'),
};

const unknownService = failure('server');
const unknownRequestError = ignore('client');

/**
 * The verdict for one Kraken error string: a known one from the table, any other `EService:`
 * error a `server` failure, any other error an ignored `client` error (the request was
 * answered; it was wrong), and warnings (`W…`) no opinion.
 */
export function krakenErrorVerdict(error: string): Verdict | undefined {
  if (!error.startsWith('E')) return undefined;
  const second = error.indexOf(':', error.indexOf(':') + 1);
  const key = second === -1 ? error : error.slice(0, second);
  return known[key] ?? (key.startsWith('EService:') ? unknownService : unknownRequestError);
}

/**
 * Kraken answers HTTP 200 with `{ "error": [...], "result": ... }`; a non-empty `error` array
 * means the request failed. The most severe error of the array decides; an empty array (or
 * only warnings) leaves the decision to the status.
 */
export const krakenErrorArrayRule: ClassifierRule = onBody((body) => {
  const errors = readJsonObject(body)?.error;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const verdicts: Verdict[] = [];
  for (const error of errors) {
    if (typeof error !== 'string') continue;
    const verdict = krakenErrorVerdict(error);
    if (verdict !== undefined) verdicts.push(verdict);
  }
  return mostSevere(verdicts);
});

/**
 * Classification rules for Kraken's spot REST API (`api.kraken.com/0/...`): the `error` array
 * of an HTTP 200 answer. Statuses (Cloudflare's 5xx pages, 429) fall through to the core's
 * default classification. Order safety: a `server` or `timeout` failure on an order call is
 * marked `uncertainEffect` by the core classifier, so it is never retried.
 *
 * | error | verdict |
 * | --- | --- |
 * | `EAPI:Rate limit exceeded`, `EOrder:Rate limit exceeded` | `rate_limit` failure |
 * | `EGeneral:Temporary lockout` | `rate_limit` failure, `retryAfterMs` 15 min |
 * | `EService:Unavailable`, `EService:Market in cancel_only mode` | `maintenance` failure |
 * | `EService:Busy`, `EGeneral:Internal error` | `server` failure |
 * | `EService:Deadline elapsed` | `timeout` failure |
 * | `EAPI:Invalid key`/`signature`/`nonce`, `EGeneral:Permission denied` | ignored, `auth` |
 * | `EOrder:Insufficient funds`, `EGeneral:Invalid arguments`, other errors | ignored, `client` |
 *
 * @example
 * ```ts
 * const classify = createClassifier(krakenRules);
 * ```
 */
export const krakenRules: readonly ClassifierRule[] = Object.freeze([krakenErrorArrayRule]);
