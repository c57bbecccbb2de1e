import type { CallContext } from '@breakwater/core';
import { createClassifier, type ResponseOutcome } from '@breakwater/core/adapter';
import {
  binanceRules,
  bybitRules,
  coinbaseRules,
  type ExchangeId,
  krakenRules,
  okxRules,
} from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';
import { type ExchangeFixture, fixtureNowMs, fixtures } from './fixtures/index.ts';

const rules = {
  kraken: krakenRules,
  binance: binanceRules,
  coinbase: coinbaseRules,
  bybit: bybitRules,
  okx: okxRules,
} as const;

const classifiers = Object.fromEntries(
  Object.entries(rules).map(([id, list]) => [id, createClassifier(list)]),
) as Record<ExchangeId, ReturnType<typeof createClassifier>>;

/** The outcome an HTTP adapter builds: headers case-insensitive, JSON bodies parsed. */
function outcomeOf(fixture: ExchangeFixture): ResponseOutcome {
  const headers = new Map(
    Object.entries(fixture.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const type = headers.get('content-type') ?? '';
  const text = fixture.response.body;
  return {
    kind: 'response',
    status: fixture.response.status,
    header: (name) => headers.get(name.toLowerCase()) ?? null,
    body: type.includes('json') ? JSON.parse(text) : text,
  };
}

function contextOf(fixture: ExchangeFixture): CallContext {
  if (fixture.group === 'order') return { method: 'POST', idempotent: false, endpoint: 'order' };
  const method = fixture.request.method;
  return { method, idempotent: method === 'GET', endpoint: fixture.group };
}

describe('exchange error fixtures', () => {
  it('holds at least 40 responses, each citing its source', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const fixture of fixtures) {
      expect(fixture.source).toMatch(/^https:\/\//);
      expect(typeof fixture.documented).toBe('boolean');
    }
    const names = fixtures.map((f) => `${f.exchange}: ${f.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every exchange with documented and inferred responses', () => {
    for (const exchange of Object.keys(rules)) {
      const own = fixtures.filter((f) => f.exchange === exchange);
      expect(own.length, exchange).toBeGreaterThanOrEqual(8);
      expect(own.some((f) => f.documented)).toBe(true);
    }
  });

  it.each(fixtures.map((f) => [`${f.exchange}: ${f.name}`, f] as const))('%s', (_name, fixture) => {
    const verdict = classifiers[fixture.exchange](
      outcomeOf(fixture),
      contextOf(fixture),
      fixtureNowMs,
    );
    const { verdict: kind, category, retryAfterMs, uncertainEffect } = fixture.expected;
    expect({ verdict: verdict.verdict, category: verdict.category }).toEqual({
      verdict: kind,
      category,
    });
    expect(verdict.retryAfterMs).toBe(retryAfterMs);
    if (uncertainEffect === undefined) expect(verdict.uncertainEffect).not.toBe(true);
    else expect(verdict.uncertainEffect ?? false).toBe(uncertainEffect);
  });

  it('never marks a fixture on a read endpoint as uncertain', () => {
    for (const fixture of fixtures.filter((f) => f.group !== 'order')) {
      const verdict = classifiers[fixture.exchange](outcomeOf(fixture), contextOf(fixture), 0);
      expect(verdict.uncertainEffect, fixture.name).not.toBe(true);
    }
  });
});

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

  it('ignores an OKX partial batch whose failures are client errors', () => {
    const classify = createClassifier(okxRules);
    const body = { code: '2', data: [{ sCode: '0' }, { sCode: '51008' }] };
    const outcome = { kind: 'response', status: 200, header: () => null, body } as const;
    expect(classify(outcome, { idempotent: false }, 0).verdict).toBe('success');
  });
});
