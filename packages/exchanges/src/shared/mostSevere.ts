import type { Verdict } from '@breakwater/core';

/**
 * The verdict that matters most when one answer carries several errors (Kraken's `error` array,
 * a batch's per-item codes): a failure over an ignore over a success, and among failures the
 * one with the longest server-requested wait. Not part of the public API.
 */
export function mostSevere(verdicts: readonly Verdict[]): Verdict | undefined {
  let best: Verdict | undefined;
  for (const verdict of verdicts) {
    if (best === undefined || rank(verdict) > rank(best)) best = verdict;
  }
  return best;
}

function rank(verdict: Verdict): number {
  const kind = verdict.verdict === 'failure' ? 2 : verdict.verdict === 'ignore' ? 1 : 0;
  // A wait of any length outranks none; longer waits outrank shorter ones.
  const wait = verdict.retryAfterMs === undefined ? 0 : 1 + Math.min(verdict.retryAfterMs, 1e12);
  return kind * 1e13 + wait;
}
