import type { CallContext, ClassifierRule, Outcome, Verdict } from '@breakwater/core';
import { defaultClassifier } from '@breakwater/core/adapter';

/**
 * The one rule a preset gives the adapters: the exchange's rules, else the core's default
 * classification, and then the preset's order-safety policy. It answers every outcome, so a
 * preset's requests get the same verdict from every adapter, from `preset.classify()` and on
 * any breaker. Not part of the public API.
 *
 * Order safety: a failure on a call that is not idempotent and may change state (placing,
 * amending or cancelling an order by POST, a withdrawal) carries `uncertainEffect: true`
 * unless it proves the request was rejected: a rate limit, a failure a rule marked
 * `uncertainEffect: false` (a market in cancel-only mode, a Binance futures 503 that says it
 * did not execute), or a connection that was never made. A failure on any other call carries
 * `uncertainEffect: false` when the call is not idempotent, so that the core does not mark a
 * private read (Kraken's POST `Balance`) either.
 */
export function presetRule(
  rules: readonly ClassifierRule[],
  changesState: (endpoint: string) => boolean,
): ClassifierRule {
  return (outcome, ctx, nowMs) => {
    let verdict: Verdict | undefined;
    for (const rule of rules) {
      verdict = rule(outcome, ctx, nowMs);
      if (verdict !== undefined) break;
    }
    verdict ??= defaultClassifier(outcome, undefined, nowMs);
    if (verdict.verdict !== 'failure' || ctx?.idempotent !== false) return verdict;
    const endpoint = ctx.endpoint;
    if (endpoint !== undefined && !changesState(endpoint)) return withEffect(verdict, false);
    if (verdict.uncertainEffect !== undefined) return verdict;
    return withEffect(verdict, !provesRejection(verdict, outcome, ctx, nowMs));
  };
}

/** A rate limit is refused before anything runs; so is a request whose connection failed. */
function provesRejection(
  verdict: Verdict,
  outcome: Outcome,
  ctx: CallContext,
  nowMs: number,
): boolean {
  if (verdict.category === 'rate_limit') return true;
  if (outcome.kind !== 'error') return false;
  // The core knows the errors of a connection that was never made: its classifier leaves their
  // network failures unmarked on a non-idempotent call.
  const core = defaultClassifier(outcome, ctx, nowMs);
  return (
    (core.category === 'network' || core.category === 'timeout') && core.uncertainEffect !== true
  );
}

function withEffect(verdict: Verdict, uncertainEffect: boolean): Verdict {
  if (verdict.uncertainEffect === uncertainEffect) return verdict;
  // A spread keeps what rules add (a batch's failed items).
  return Object.freeze({ ...verdict, uncertainEffect });
}
