import { ManualClock, type Outcome, rateLimiter } from '@breakwater/core';
import {
  binanceRateLimitFeedback,
  binanceRateLimitReport,
  bybitRateLimitFeedback,
  bybitRateLimitReport,
} from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';

function response(status: number, headers: Record<string, string>): Outcome {
  return { kind: 'response', status, header: (n) => headers[n.toLowerCase()] ?? null };
}

const ctx = { key: 'binance:public', method: 'GET', idempotent: true };

describe('binanceRateLimitReport', () => {
  it('reads the used weight of the minute', () => {
    expect(binanceRateLimitReport(response(200, { 'x-mbx-used-weight-1m': '1234' }))).toEqual({
      usedWeight: 1234,
      limit: 6000,
      windowMs: 60_000,
    });
  });

  it('reads another interval and limit when asked', () => {
    const outcome = response(200, { 'x-mbx-used-weight-1s': '10' });
    expect(binanceRateLimitReport(outcome, { interval: '1S', limit: 300 })).toEqual({
      usedWeight: 10,
      limit: 300,
      windowMs: 1_000,
    });
  });

  it('turns a 429 Retry-After into an exhausted window', () => {
    const outcome = response(429, { 'retry-after': '30', 'x-mbx-used-weight-1m': '6100' });
    expect(binanceRateLimitReport(outcome)).toEqual({
      remaining: 0,
      limit: 6000,
      resetInMs: 30_000,
    });
  });

  it('reads the response an axios-style error carries', () => {
    const error = Object.assign(new Error('Request failed'), {
      response: { status: 200, headers: { 'x-mbx-used-weight-1m': '7' } },
    });
    expect(binanceRateLimitReport({ kind: 'error', error })).toMatchObject({ usedWeight: 7 });
  });

  it('ignores missing and garbage headers', () => {
    expect(binanceRateLimitReport(response(200, {}))).toBeUndefined();
    expect(
      binanceRateLimitReport(response(200, { 'x-mbx-used-weight-1m': 'lots' })),
    ).toBeUndefined();
    expect(
      binanceRateLimitReport({ kind: 'error', error: new TypeError('fetch failed') }),
    ).toBeUndefined();
  });

  it('rejects invalid options', () => {
    expect(() => binanceRateLimitReport(response(200, {}), { interval: 'minute' })).toThrow(
      /interval/,
    );
    expect(() => binanceRateLimitReport(response(200, {}), { limit: 0 })).toThrow(/limit/);
    expect(() => binanceRateLimitReport(response(200, {}), { weight: 1 } as never)).toThrow(
      /weight/,
    );
  });
});

describe('binanceRateLimitFeedback', () => {
  it('slows the limiter down before the server would reject', () => {
    const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1, 0, 0, 30) });
    const limiter = rateLimiter({
      capacity: 6000,
      refill: { amount: 100, intervalMs: 1_000 },
      clock,
    });
    const onResponse = binanceRateLimitFeedback(limiter);
    onResponse(response(200, { 'x-mbx-used-weight-1m': '5300' }), ctx);
    // 6000 - 5300 - 10% margin (600) = 100 left until the minute ends.
    expect(limiter.available).toBe(100);
    expect(limiter.tryAcquire(100)).toBe(0);
    expect(limiter.tryAcquire(1)).toBe(30_000);
  });

  it('holds every call for a 418 ban', () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      capacity: 6000,
      refill: { amount: 100, intervalMs: 1_000 },
      clock,
    });
    binanceRateLimitFeedback(limiter)(response(418, { 'retry-after': '120' }), ctx);
    expect(limiter.tryAcquire(1)).toBe(120_000);
  });
});

describe('bybitRateLimitReport', () => {
  it('reads remaining, limit and reset time', () => {
    const outcome = response(200, {
      'x-bapi-limit': '10',
      'x-bapi-limit-status': '3',
      'x-bapi-limit-reset-timestamp': '1767225601500',
    });
    expect(bybitRateLimitReport(outcome)).toEqual({
      remaining: 3,
      limit: 10,
      resetAt: 1_767_225_601_500,
    });
  });

  it('is undefined without the status header', () => {
    expect(bybitRateLimitReport(response(200, { 'x-bapi-limit': '10' }))).toBeUndefined();
  });
});

describe('bybitRateLimitFeedback', () => {
  it('feeds the limiter the call belongs to', () => {
    const clock = new ManualClock({ startMs: 1_767_225_600_000 });
    const orders = rateLimiter({
      capacity: 10,
      refill: { amount: 10, intervalMs: 1_000 },
      clock,
    });
    const onResponse = bybitRateLimitFeedback((c) =>
      c.endpoint === 'bybit:order' ? orders : undefined,
    );
    const headers = {
      'x-bapi-limit': '10',
      'x-bapi-limit-status': '0',
      'x-bapi-limit-reset-timestamp': '1767225601500',
    };
    onResponse(response(200, headers), { endpoint: 'bybit:public' });
    expect(orders.available).toBe(10);
    onResponse(response(200, headers), { endpoint: 'bybit:order' });
    expect(orders.tryAcquire(1)).toBe(1_500);
  });
});
