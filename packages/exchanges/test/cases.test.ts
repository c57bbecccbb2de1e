import {
  adversarialCases,
  caseNowMs,
  type ExchangeCase,
  exchangeCases,
  expectedView,
  presetFor,
  viewOf,
} from '@breakwater/test/exchanges';
import { describe, expect, it } from 'vitest';

/** The case's request, on the exchange's production host. */
function requestOf(exchangeCase: ExchangeCase) {
  return {
    url: `https://api.example.com${exchangeCase.request.path}`,
    method: exchangeCase.request.method,
  };
}

function classify(exchangeCase: ExchangeCase) {
  return presetFor(exchangeCase.exchange).classify(requestOf(exchangeCase), exchangeCase.response, {
    now: caseNowMs,
  });
}

describe('the exchange case table', () => {
  it('holds at least 100 documented cases across the five exchanges, each with its source', () => {
    expect(exchangeCases.length).toBeGreaterThanOrEqual(100);
    for (const exchangeCase of exchangeCases) {
      expect(exchangeCase.source).toMatch(/^https:\/\//);
    }
    const names = [...exchangeCases, ...adversarialCases].map((c) => `${c.exchange}: ${c.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const exchange of ['kraken', 'binance', 'coinbase', 'bybit', 'okx']) {
      const own = exchangeCases.filter((c) => c.exchange === exchange);
      expect(own.length, exchange).toBeGreaterThanOrEqual(15);
      expect(own.filter((c) => c.documented).length, exchange).toBeGreaterThanOrEqual(8);
    }
  });

  it('never leaves an order failure with an unknown outcome unmarked', () => {
    // Orders placed, amended or cancelled by POST: a DELETE cancel is safe to repeat.
    const orderFailures = exchangeCases.filter(
      (c) => c.group === 'order' && c.request.method === 'POST' && c.expected.verdict === 'failure',
    );
    // A rate limit refuses before anything runs; any other certainty must be said by the case.
    const unmarked = orderFailures.filter((exchangeCase) => {
      const verdict = classify(exchangeCase);
      const proven =
        exchangeCase.expected.uncertainEffect === false || verdict.category === 'rate_limit';
      return verdict.uncertainEffect !== true && !proven;
    });
    expect(unmarked.map((c) => `${c.exchange}: ${c.name}`)).toEqual([]);
  });
});

describe('preset.classify() on every case', () => {
  it.each(
    [...exchangeCases, ...adversarialCases].map((c) => [`${c.exchange}: ${c.name}`, c] as const),
  )('%s', (_name, exchangeCase) => {
    const verdict = classify(exchangeCase);
    expect(viewOf(verdict)).toEqual(expectedView(exchangeCase));
    expect(verdict.group).toBe(exchangeCase.group);
    expect(verdict.key).toBe(`${exchangeCase.exchange}:api.example.com:${exchangeCase.group}`);
    expect(verdict.failedItems?.map((item) => item.code)).toEqual(
      exchangeCase.expected.failedItems,
    );
  });
});
