import { BreakerRegistry, ManualClock, rateLimiter } from '@breakwater/core';
import {
  krakenCallCost,
  krakenPreset,
  krakenRateLimits,
  okxPreset,
  okxRateLimit,
} from '@breakwater/exchanges';
import { withBreaker } from '@breakwater/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

let server: Loopback | undefined;
const registries: BreakerRegistry[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const registry of registries.splice(0)) registry.dispose();
});

function registry(): BreakerRegistry {
  const created = new BreakerRegistry();
  registries.push(created);
  return created;
}

describe("Kraken's modelled call counter", () => {
  it('gives each tier its counter and decay rate', () => {
    expect(krakenRateLimits()).toEqual({
      capacity: 15,
      refill: { amount: 0.33, intervalMs: 1_000 },
    });
    expect(krakenRateLimits('intermediate')).toMatchObject({
      capacity: 20,
      refill: { amount: 0.5 },
    });
    expect(krakenRateLimits('pro')).toMatchObject({ capacity: 20, refill: { amount: 1 } });
    expect(() => krakenRateLimits('gold' as never)).toThrow(/`tier`/);
  });

  it('costs 2 for history and ledger queries, 0 for public calls and orders, 1 otherwise', () => {
    expect(krakenCallCost('/0/private/Ledgers')).toBe(2);
    expect(krakenCallCost(new URL('https://api.kraken.com/0/private/TradesHistory'))).toBe(2);
    expect(krakenCallCost('/0/private/Balance')).toBe(1);
    expect(krakenCallCost('/0/private/AddOrder')).toBe(0);
    expect(krakenCallCost('/0/public/Ticker?pair=XBTUSD')).toBe(0);
  });

  it("empties the model when Kraken says the key's counter is full, then decays it", async () => {
    // Another program on the same key spent the counter: Kraken refuses the first call.
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EAPI:Rate limit exceeded'] }),
    );
    const clock = new ManualClock();
    const counter = rateLimiter({ name: 'kraken:key', ...krakenRateLimits('pro'), clock });
    const kraken = withBreaker(fetch, krakenPreset({ registry: registry(), rateLimiter: counter }));
    const path = '/0/private/Balance';
    await counter.execute(() => kraken(`${server!.url}${path}`, { method: 'POST' }), {
      weight: krakenCallCost(path),
    });
    expect(counter.available).toBe(0);
    // Pro: the counter decays by 1 per second.
    expect(counter.tryAcquire(2)).toBe(2_000);
    clock.tick(2_000);
    expect(counter.tryAcquire(2)).toBe(0);
  });

  it('leaves the model alone on answers that are not about the counter', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EOrder:Rate limit exceeded'], result: {} }),
    );
    const counter = rateLimiter({ name: 'kraken:key', ...krakenRateLimits() });
    const kraken = withBreaker(fetch, krakenPreset({ registry: registry(), rateLimiter: counter }));
    await kraken(`${server.url}/0/private/AddOrder`, { method: 'POST' });
    expect(counter.available).toBe(15);
    expect(() => krakenPreset({ rateLimiter: {} as never })).toThrow(/`rateLimiter`/);
  });
});

describe("OKX's per-endpoint limits", () => {
  it('sizes a limiter per endpoint over 2 s windows', () => {
    expect(okxRateLimit('/api/v5/trade/order')).toEqual({
      capacity: 60,
      refill: { amount: 60, intervalMs: 2_000 },
    });
    expect(
      okxRateLimit(new URL('https://www.okx.com/api/v5/market/books?instId=BTC-USDT')),
    ).toEqual({ capacity: 40, refill: { amount: 40, intervalMs: 2_000 } });
    expect(okxRateLimit('/api/v5/unknown')).toBeUndefined();
  });

  it.each([
    ['the code of the answer', 200, { code: '50011', msg: 'Too Many Requests', data: [] }],
    ['an order of a batch', 200, { code: '2', data: [{ sCode: '0' }, { sCode: '50011' }] }],
    ['an HTTP 429', 429, { code: '50011', msg: 'Too Many Requests' }],
  ])('holds the endpoint for its 2 s window after 50011 in %s', async (_, status, body) => {
    server = await startLoopback((_req, res) => sendJson(res, status, body));
    const clock = new ManualClock();
    const orders = rateLimiter({
      name: 'okx:order',
      ...okxRateLimit('/api/v5/trade/order')!,
      clock,
    });
    const books = rateLimiter({
      name: 'okx:books',
      ...okxRateLimit('/api/v5/market/books')!,
      clock,
    });
    const pick = (ctx: { endpoint?: string }) =>
      ctx.endpoint === '/api/v5/trade/batch-orders' || ctx.endpoint === '/api/v5/trade/order'
        ? orders
        : ctx.endpoint === '/api/v5/market/books'
          ? books
          : undefined;
    const okx = withBreaker(fetch, okxPreset({ registry: registry(), rateLimiter: pick }));
    await okx(`${server.url}/api/v5/trade/batch-orders`, { method: 'POST', body: '[]' }).catch(
      () => {},
    );
    expect(orders.tryAcquire(1)).toBe(2_000);
    // Other endpoints keep their own budget.
    expect(books.available).toBe(40);
    clock.tick(2_000);
    expect(orders.tryAcquire(1)).toBe(0);
  });

  it('ignores successful answers and calls without a limiter', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, { code: '0', data: [] }));
    const orders = rateLimiter({ name: 'okx:order', ...okxRateLimit('/api/v5/trade/order')! });
    const okx = withBreaker(fetch, okxPreset({ registry: registry(), rateLimiter: orders }));
    await okx(`${server.url}/api/v5/trade/order`, { method: 'POST', body: '{}' });
    expect(orders.available).toBe(60);
    const unpicked = withBreaker(
      fetch,
      okxPreset({ registry: registry(), rateLimiter: () => undefined }),
    );
    await unpicked(`${server.url}/api/v5/trade/order`, { method: 'POST', body: '{}' });
    expect(() => okxPreset({ rateLimiter: 5 as never })).toThrow(/`rateLimiter`/);
  });
});
