import {
  BreakerRegistry,
  isBreakwaterConfigError,
  ManualClock,
  rateLimiter,
} from '@breakwater/core';
import { type FailureEvent, resolveHttpBreakerOptions } from '@breakwater/core/adapter';
import {
  binanceEndpoint,
  binancePreset,
  bybitEndpoint,
  bybitPreset,
  coinbaseEndpoint,
  coinbasePreset,
  krakenEndpoint,
  krakenPreset,
  okxEndpoint,
  okxPreset,
} from '@breakwater/exchanges';
import { withBreaker } from '@breakwater/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

let server: Loopback | undefined;
const registries: BreakerRegistry[] = [];
/** The breaker key a preset gives a request to the loopback server: `<exchange>:<host>:<group>`. */
function key(exchange: string, group: string, url: string | undefined = server?.url): string {
  return `${exchange}:${new URL(url ?? 'http://0.0.0.0').host}:${group}`;
}

afterEach(async () => {
  for (const r of registries.splice(0)) r.dispose();
  await server?.close();
  server = undefined;
});

function registry(): BreakerRegistry {
  const clock = new ManualClock({ startMs: 1_767_225_600_000 });
  const r = new BreakerRegistry({
    defaults: { strategy: { type: 'consecutive', failureCount: 3 }, clock },
  });
  registries.push(r);
  return r;
}

const u = (path: string) => new URL(`https://example.test${path}`);

describe('endpoint groups', () => {
  it.each([
    [krakenEndpoint(u('/0/public/Ticker'), 'GET'), 'public', '/0/public/Ticker'],
    [krakenEndpoint(u('/0/private/Balance'), 'POST'), 'private', '/0/private/Balance'],
    [krakenEndpoint(u('/0/private/AddOrder'), 'POST'), 'order', '/0/private/AddOrder'],
    [
      krakenEndpoint(u('/0/private/CancelAllOrdersAfter'), 'POST'),
      'order',
      '/0/private/CancelAllOrdersAfter',
    ],
    [binanceEndpoint(u('/api/v3/depth?symbol=BTCUSDT'), 'GET'), 'public', '/api/v3/depth'],
    [binanceEndpoint(u('/api/v3/account?signature=ab'), 'GET'), 'private', '/api/v3/account'],
    [
      binanceEndpoint(u('/api/v3/order'), 'GET', { 'X-MBX-APIKEY': 'k' }),
      'private',
      '/api/v3/order',
    ],
    [binanceEndpoint(u('/api/v3/order'), 'POST'), 'order', '/api/v3/order'],
    [binanceEndpoint(u('/fapi/v1/batchOrders'), 'DELETE'), 'order', '/fapi/v1/batchOrders'],
    [
      coinbaseEndpoint(u('/api/v3/brokerage/market/products/BTC-USD'), 'GET'),
      'public',
      '/api/v3/brokerage/market/products/:id',
    ],
    [coinbaseEndpoint(u('/api/v3/brokerage/orders'), 'POST'), 'order', '/api/v3/brokerage/orders'],
    [
      coinbaseEndpoint(u('/api/v3/brokerage/orders/historical/batch'), 'GET'),
      'private',
      '/api/v3/brokerage/orders/historical/batch',
    ],
    [bybitEndpoint(u('/v5/market/tickers'), 'GET'), 'public', '/v5/market/tickers'],
    [bybitEndpoint(u('/v5/order/create'), 'POST'), 'order', '/v5/order/create'],
    [bybitEndpoint(u('/v5/order/realtime'), 'GET'), 'private', '/v5/order/realtime'],
    [okxEndpoint(u('/api/v5/market/books'), 'GET'), 'public', '/api/v5/market/books'],
    [okxEndpoint(u('/api/v5/trade/order'), 'POST'), 'order', '/api/v5/trade/order'],
    [
      okxEndpoint(u('/api/v5/trade/orders-pending'), 'GET'),
      'private',
      '/api/v5/trade/orders-pending',
    ],
  ])('%o is %s', (endpoint, group, name) => {
    expect(endpoint).toMatchObject({ group, endpoint: name });
  });
});

describe('presets as HTTP breaker options', () => {
  it('are valid options for every adapter, and plain objects', () => {
    for (const preset of [
      krakenPreset(),
      binancePreset(),
      coinbasePreset(),
      bybitPreset(),
      okxPreset(),
    ]) {
      expect(() => resolveHttpBreakerOptions(preset)).not.toThrow();
      expect(Object.getPrototypeOf(preset)).toBe(Object.prototype);
    }
  });

  it('name a breaker per host and endpoint group, or one per host', () => {
    const grouped = krakenPreset();
    const single = krakenPreset({ groups: false, keyPrefix: 'kraken-eu' });
    const request = { url: new URL('https://api.kraken.com/0/private/AddOrder'), method: 'post' };
    expect(grouped.key(request)).toBe('kraken:api.kraken.com:order');
    expect(single.key(request)).toBe('kraken-eu:api.kraken.com');
    const testnet = {
      url: new URL('https://api-testnet.bybit.com/v5/order/create'),
      method: 'POST',
    };
    expect(bybitPreset().key(testnet)).toBe('bybit:api-testnet.bybit.com:order');
    expect(bybitPreset({ environment: 'testnet' }).key(testnet)).toBe('bybit:testnet:order');
    const local = { url: new URL('http://127.0.0.1:8080/api/v3/depth'), method: 'GET' };
    expect(binancePreset().key(local)).toBe('binance:127.0.0.1:8080:public');
  });

  it('mark order placement non-idempotent and leave other requests to the method check', () => {
    const preset = binancePreset();
    const idempotent = preset.idempotent as (r: {
      url: URL;
      method: string;
    }) => boolean | undefined;
    expect(idempotent({ url: u('/api/v3/order'), method: 'POST' })).toBe(false);
    expect(idempotent({ url: u('/api/v3/order'), method: 'DELETE' })).toBeUndefined();
    expect(idempotent({ url: u('/api/v3/depth'), method: 'GET' })).toBeUndefined();
  });

  it("put their breaker options at the adapter's top level, checked", () => {
    const preset = krakenPreset({ breaker: { openMs: 30_000, halfOpen: { maxProbes: 2 } } });
    expect(preset).toMatchObject({ openMs: 30_000, halfOpen: { maxProbes: 2 } });
    expect(resolveHttpBreakerOptions(preset).breaker).toEqual({
      openMs: 30_000,
      halfOpen: { maxProbes: 2 },
    });
    expect(() => krakenPreset({ breaker: { classify: [] } as never })).toThrow(
      /^Invalid option `breaker.classify`/,
    );
    expect(() => krakenPreset({ breaker: { halfOpen: { maxProbes: 0 } } })).toThrow(
      /^Invalid option `breaker.halfOpen.maxProbes`/,
    );
  });

  it('reject unknown and invalid options', () => {
    const bad: (() => unknown)[] = [
      () => krakenPreset({ group: false } as never),
      () => krakenPreset({ keyPrefix: 'a b' }),
      () => krakenPreset({ environment: '' }),
      () => krakenPreset({ environment: 'prod?x' }),
      () => binancePreset({ rateLimiter: {} as never }),
      () =>
        binancePreset({
          rateLimit: { interval: 'soon' },
          rateLimiter: rateLimiter({ capacity: 1, refill: { amount: 1, intervalMs: 1_000 } }),
        }),
      () => okxPreset({ onResponse: 1 as never }),
    ];
    for (const make of bad) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      expect(isBreakwaterConfigError(caught)).toBe(true);
    }
  });
});

describe('presets with @breakwater/fetch against a loopback exchange', () => {
  it('Kraken: an HTTP 200 error body on AddOrder is an uncertain server failure of kraken:order', async () => {
    server = await startLoopback((req, res) =>
      sendJson(
        res,
        200,
        req.url?.includes('AddOrder') ? { error: ['EService:Busy'] } : { error: [], result: {} },
      ),
    );
    const breakers = registry();
    const guarded = withBreaker(fetch, krakenPreset({ registry: breakers }));
    await guarded(`${server.url}/0/public/Time`);
    const failures: FailureEvent[] = [];
    await guarded(`${server.url}/0/private/AddOrder`, { method: 'POST', body: 'nonce=1' });
    breakers.peek(key('kraken', 'order'))?.on('failure', (e) => failures.push(e));
    const res = await guarded(`${server.url}/0/private/AddOrder`, {
      method: 'POST',
      body: 'nonce=2',
    });
    expect(await res.json()).toEqual({ error: ['EService:Busy'] }); // the caller's body is untouched
    expect(failures).toEqual([
      expect.objectContaining({ category: 'server', uncertainEffect: true }),
    ]);
    expect(breakers.peek(key('kraken', 'public'))?.snapshot().counters.successes).toBe(1);
  });

  it('Binance: used-weight headers tighten the limiter, and a 418 opens the public breaker', async () => {
    let used = 5400;
    server = await startLoopback((req, res) => {
      if (req.url === '/api/v3/ban') {
        sendJson(
          res,
          418,
          { code: -1003, msg: 'Way too much request weight used; IP banned until 1767225720000.' },
          { 'retry-after': '120' },
        );
        return;
      }
      sendJson(res, 200, { serverTime: 1 }, { 'x-mbx-used-weight-1m': String(used) });
    });
    const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1, 0, 0, 30) });
    const weight = rateLimiter({
      name: 'binance',
      capacity: 6000,
      refill: { amount: 100, intervalMs: 1_000 },
      clock,
    });
    const breakers = registry();
    const guarded = withBreaker(fetch, binancePreset({ registry: breakers, rateLimiter: weight }));
    await guarded(`${server.url}/api/v3/time`);
    expect(weight.available).toBe(0); // 6000 - 5400 - 600 margin
    used = 100;
    await guarded(`${server.url}/api/v3/ban`);
    expect(breakers.peek(key('binance', 'public'))?.state).toBe('open');
    expect(weight.tryAcquire(1)).toBe(120_000);
  });

  it('Bybit: retCode 10006 in an HTTP 200 opens the order breaker until the reset', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(
        res,
        200,
        { retCode: 10006, retMsg: 'Too many visits!', result: {} },
        {
          'x-bapi-limit': '10',
          'x-bapi-limit-status': '0',
          'x-bapi-limit-reset-timestamp': String(1_767_225_600_000 + 2_000),
        },
      ),
    );
    const breakers = registry();
    const guarded = withBreaker(fetch, bybitPreset({ registry: breakers }));
    await guarded(`${server.url}/v5/order/create`, { method: 'POST', body: '{}' });
    const breaker = breakers.peek(key('bybit', 'order'));
    expect(breaker?.state).toBe('open');
    expect(breaker?.snapshot().counters.failuresByCategory.rate_limit).toBe(1);
  });

  it('OKX: code 50001 on market data counts as maintenance of okx:public', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 503, { code: '50001', msg: 'Service temporarily unavailable', data: [] }),
    );
    const breakers = registry();
    const guarded = withBreaker(fetch, okxPreset({ registry: breakers }));
    await guarded(`${server.url}/api/v5/market/ticker?instId=BTC-USDT`);
    expect(
      breakers.peek(key('okx', 'public'))?.snapshot().counters.failuresByCategory.maintenance,
    ).toBe(1);
  });

  it('Coinbase: success:false on an order is ignored, a 429 HTML page counts', async () => {
    server = await startLoopback((req, res) => {
      if (req.method === 'POST') {
        sendJson(res, 200, { success: false, error_response: { error: 'INSUFFICIENT_FUND' } });
      } else {
        res.writeHead(429, { 'content-type': 'text/html' });
        res.end('<html><body>You are being rate limited</body></html>');
      }
    });
    const breakers = registry();
    const guarded = withBreaker(fetch, coinbasePreset({ registry: breakers }));
    await guarded(`${server.url}/api/v3/brokerage/orders`, { method: 'POST', body: '{}' });
    await guarded(`${server.url}/api/v3/brokerage/market/products`);
    expect(breakers.peek(key('coinbase', 'order'))?.snapshot().counters).toMatchObject({
      ignored: 1,
      failures: 0,
    });
    expect(
      breakers.peek(key('coinbase', 'public'))?.snapshot().counters.failuresByCategory.rate_limit,
    ).toBe(1);
  });
});
