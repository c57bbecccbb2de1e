import type { Category, Verdict } from '@breakwater/core';
import type { ExchangeCase } from './cases/types.ts';

/** A verdict as the case table and a breaker's events both show it. */
export interface VerdictView {
  readonly verdict: Verdict['verdict'];
  readonly category: Category;
  readonly retryAfterMs: number | undefined;
  readonly uncertainEffect: boolean;
}

/** The view of a verdict: `uncertainEffect` absent means `false`. */
export function viewOf(verdict: Verdict): VerdictView {
  return {
    verdict: verdict.verdict,
    category: verdict.category,
    retryAfterMs: verdict.retryAfterMs,
    uncertainEffect: verdict.uncertainEffect === true,
  };
}

/** The view a case expects. */
export function expectedView(exchangeCase: ExchangeCase): VerdictView {
  const { verdict, category, retryAfterMs, uncertainEffect } = exchangeCase.expected;
  return { verdict, category, retryAfterMs, uncertainEffect: uncertainEffect === true };
}
