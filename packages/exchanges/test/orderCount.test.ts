import { BreakerRegistry, ManualClock, type Outcome, rateLimiter } from '@breakwater/core';
import { binanceOrderCountReport, binancePreset } from '@breakwater/exchanges';
import { withBreaker } from '@breakwater/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

let server: Loopback | undefined;
let breakers: BreakerRegistry | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  breakers?.dispose();
});

function response(headers: Record<string, string>): Outcome {
  return { kind: 'response', status: 200, header: (n) => headers[n.toLowerCase()] ?? null };
}

describe("Binance's order count", () => {
  it('reads X-MBX-ORDER-COUNT-10S, or the interval asked for', () => {
    const headers = { 'x-mbx-order-count-10s': '12', 'x-mbx-order-count-1d': '300' };
    expect(binanceOrderCountReport(response(headers))).toEqual({
      usedWeight: 12,
      limit: 50,
      windowMs: 10_000,
    });
    expect(binanceOrderCountReport(response(headers), { limit: 160_000, interval: '1d' })).toEqual({
      usedWeight: 300,
      limit: 160_000,
      windowMs: 86_400_000,
    });
    expect(binanceOrderCountReport(response({ 'x-mbx-order-count-10s': 'x' }))).toBeUndefined();
    expect(() => binanceOrderCountReport(response({}), { interval: 'soon' })).toThrow(/interval/);
  });

  it('tightens the order limiter of a preset, apart from the weight limiter', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(
        res,
        200,
        { orderId: 1 },
        {
          'x-mbx-order-count-10s': '48',
          'x-mbx-used-weight-1m': '10',
        },
      ),
    );
    // 3 s into a 10 s window: Binance's count resets in 7 s.
    const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1, 0, 0, 3) });
    const orders = rateLimiter({
      name: 'binance:orders',
      capacity: 50,
      refill: { amount: 50, intervalMs: 10_000 },
      safetyMarginRate: 0,
      clock,
    });
    const weight = rateLimiter({
      name: 'binance:ip',
      capacity: 6000,
      refill: { amount: 100, intervalMs: 1_000 },
      clock,
    });
    breakers = new BreakerRegistry();
    const binance = withBreaker(
      fetch,
      binancePreset({ registry: breakers, rateLimiter: weight, orderRateLimiter: orders }),
    );
    await orders.execute(() => binance(`${server!.url}/api/v3/order`, { method: 'POST' }));
    // 48 of 50 orders used in this window (another process placed them).
    expect(orders.available).toBe(2);
    expect(orders.tryAcquire(3)).toBe(7_000);
    expect(weight.available).toBe(6000 - 10 - 600);
    expect(() => binancePreset({ orderRateLimiter: {} as never })).toThrow(/`orderRateLimiter`/);
  });
});
