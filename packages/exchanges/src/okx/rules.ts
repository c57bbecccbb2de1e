import { type ClassifierRule, failure, ignore, onBody, type Verdict } from '@breakwater/core';
import { mostSevere } from '../shared/mostSevere.ts';
import { readCode, readJsonObject } from '../shared/readBody.ts';

/**
 * OKX error codes and their verdicts.
 * @see {@link https://www.okx.com/docs-v5/en/#error-code-rest-api}
 */
const codes: ReadonlyMap<number, Verdict> = new Map([
  [50001, failure('maintenance')], // 503 service temporarily unavailable (maintenance, upgrades)
  [50004, failure('timeout')], // API endpoint request timeout: "does not mean that the request
  // was successful or failed, please check the request result"
  [50005, failure('maintenance')], // 410 API is offline or unavailable
  [50011, failure('rate_limit')], // 429 rate limit reached
  [50061, failure('rate_limit')], // sub-account rate limit reached
  [50013, failure('server')], // system is busy
  [50026, failure('server')], // system error
  [50007, ignore('auth')], // account blocked
  [50102, ignore('client')], // timestamp request expired: the local clock
]);

const requestError = ignore('client');
const authError = ignore('auth');

/**
 * The verdict for an OKX `code` or `sCode`: a known one from the table, 50100–50119 (API key,
 * passphrase, signature, IP) ignored as `auth`, any other non-zero code an ignored `client`
 * error.
 */
export function okxCodeVerdict(code: number): Verdict | undefined {
  if (code === 0) return undefined;
  const known = codes.get(code);
  if (known !== undefined) return known;
  return code >= 50100 && code <= 50119 ? authError : requestError;
}

/**
 * OKX bodies carry `code` (a numeric string; `"0"` is success). Order endpoints answer
 * `code: "1"` or `"2"` (all or some operations failed) with a per-order `sCode` in `data`: the
 * most severe of those decides, so a batch with one `50001` counts as maintenance.
 */
const codeRule: ClassifierRule = onBody((body, response) => {
  const json = readJsonObject(body);
  const code = readCode(json?.code);
  if (code === undefined || code === 0) return undefined;
  let verdict: Verdict | undefined;
  if ((code === 1 || code === 2) && Array.isArray(json?.data)) {
    const verdicts: Verdict[] = [];
    for (const item of json.data) {
      const sCode = readCode(readJsonObject(item)?.sCode);
      const itemVerdict = sCode === undefined ? undefined : okxCodeVerdict(sCode);
      if (itemVerdict !== undefined) verdicts.push(itemVerdict);
    }
    // Code 2 is a partial success: only a failure in it is worth reporting.
    verdict = mostSevere(verdicts) ?? (code === 1 ? requestError : undefined);
    if (code === 2 && verdict?.verdict !== 'failure') return undefined;
  } else {
    verdict = okxCodeVerdict(code);
  }
  if (verdict?.verdict === 'ignore' && response.status >= 500) return undefined;
  return verdict;
});

/**
 * Classification rules for OKX's v5 REST API (`www.okx.com/api/v5/...`): the `code` of the body
 * (50011 rate limit, 50001 maintenance, 50004 endpoint timeout with an unknown outcome,
 * 50013/50026 busy or system error, 501xx key and signature errors) and the per-order `sCode`s
 * of trade endpoints.
 */
export const okxRules: readonly ClassifierRule[] = Object.freeze([codeRule]);
