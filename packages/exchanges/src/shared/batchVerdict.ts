import { ignore, type Verdict } from '@breakwater/core';
import type { FailedItem } from '../preset/types.ts';
import { mostSevere } from './mostSevere.ts';

/** One item of a batch answer: what it failed with, if it failed, and its verdict. */
export interface BatchItem {
  readonly item: FailedItem;
  readonly verdict: Verdict;
}

/**
 * The verdict of an answer whose items failed although the answer succeeded (Bybit
 * `retExtInfo.list`, OKX `sCode`, Coinbase `results[].success`): the most severe item failure
 * when an item failed for the exchange's reasons (a rate limit, maintenance), else an ignore of
 * the most severe item's category. Never a success, so a half-open breaker is not closed by an
 * answer whose orders were rejected. The failed items ride along as `failedItems`. `undefined`
 * when no item failed. Not part of the public API.
 */
export function batchVerdict(failed: readonly BatchItem[]): Verdict | undefined {
  if (failed.length === 0) return undefined;
  const worst = mostSevere(failed.map((f) => f.verdict)) as Verdict;
  const verdict = worst.verdict === 'success' ? ignore('client') : worst;
  return Object.freeze({
    ...verdict,
    failedItems: Object.freeze(failed.map((f) => Object.freeze({ ...f.item }))),
  });
}
