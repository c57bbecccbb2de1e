import { createClassifier } from '@breakwater/core/adapter';
import { binanceRules, bybitRules, krakenRules, okxRules } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';

describe('exchange rules on bodies an adapter did not parse', () => {
  it('reads a Kraken error array from a JSON string body', () => {
    const classify = createClassifier(krakenRules);
    const verdict = classify(
      {
        kind: 'response',
        status: 200,
        header: () => null,
        body: '{"error":["EService:Unavailable"]}',
      },
      undefined,
      0,
    );
    expect(verdict).toEqual({ verdict: 'failure', category: 'maintenance' });
  });

  it('leaves a Kraken warning-only array to the status', () => {
    const classify = createClassifier(krakenRules);
    const outcome = {
      kind: 'response',
      status: 200,
      header: () => null,
      body: { error: ['WGeneral:Note'] },
    } as const;
    expect(classify(outcome, undefined, 0).verdict).toBe('success');
  });

  it('treats an unknown Kraken EService error as a server failure', () => {
    const classify = createClassifier(krakenRules);
    const outcome = {
      kind: 'response',
      status: 200,
      header: () => null,
      body: { error: ['EService:Something new'] },
    } as const;
    expect(classify(outcome, undefined, 0)).toEqual({ verdict: 'failure', category: 'server' });
  });

  it('ignores a Binance client code inside a 5xx only as far as the status allows', () => {
    const classify = createClassifier(binanceRules);
    const outcome = {
      kind: 'response',
      status: 500,
      header: () => null,
      body: { code: -1121, msg: 'Invalid symbol.' },
    } as const;
    expect(classify(outcome, { idempotent: false }, 0)).toEqual({
      verdict: 'failure',
      category: 'server',
      uncertainEffect: true,
    });
  });

  it('does not read a garbage Bybit reset header as a wait', () => {
    const classify = createClassifier(bybitRules);
    const outcome = {
      kind: 'response',
      status: 200,
      header: (n: string) => (n === 'x-bapi-limit-reset-timestamp' ? 'soon' : null),
      body: { retCode: 10006, retMsg: 'Too many visits!' },
    } as const;
    expect(classify(outcome, undefined, 0)).toEqual({ verdict: 'failure', category: 'rate_limit' });
  });

  it('ignores an OKX partial batch whose failures are client errors, with its failed items', () => {
    const classify = createClassifier(okxRules);
    const body = { code: '2', data: [{ sCode: '0' }, { sCode: '51008', sMsg: 'No funds' }] };
    const outcome = { kind: 'response', status: 200, header: () => null, body } as const;
    expect(classify(outcome, { idempotent: false }, 0)).toEqual({
      verdict: 'ignore',
      category: 'client',
      failedItems: [{ index: 1, code: '51008', message: 'No funds' }],
    });
  });
});
