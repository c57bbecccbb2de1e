import { BreakerRegistry, isBreakerOpenError, ManualClock } from '@breakwater/core';
import type { FailureEvent, IgnoredEvent } from '@breakwater/core/adapter';
import {
  binancePreset,
  bybitPreset,
  coinbasePreset,
  krakenPreset,
  okxPreset,
} from '@breakwater/exchanges';
import { withBreaker } from '@breakwater/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

/**
 * The kinds of wrong verdicts issue 18 found, each through a preset, `@breakwater/fetch` and a
 * loopback exchange: what a user's breaker actually records.
 */

const nowMs = 1_767_225_600_000; // 2026-01-01T00:00:00Z

let server: Loopback | undefined;
const registries: BreakerRegistry[] = [];
afterEach(async () => {
  for (const r of registries.splice(0)) r.dispose();
  await server?.close();
  server = undefined;
});

interface Recorded {
  readonly failures: FailureEvent[];
  readonly ignored: IgnoredEvent[];
  readonly successes: string[];
}

/** A registry on a ManualClock whose every breaker reports its verdicts into `recorded`. */
function recording(): { registry: BreakerRegistry; recorded: Recorded; clock: ManualClock } {
  const clock = new ManualClock({ startMs: nowMs });
  const registry = new BreakerRegistry({
    defaults: { strategy: { type: 'consecutive', failureCount: 5 }, openMs: 1_000, clock },
  });
  registries.push(registry);
  const recorded: Recorded = { failures: [], ignored: [], successes: [] };
  registry.on('added', ({ name, breaker }) => {
    breaker.on('failure', (e) => recorded.failures.push(e));
    breaker.on('ignored', (e) => recorded.ignored.push(e));
    breaker.on('success', () => recorded.successes.push(name));
  });
  return { registry, recorded, clock };
}

async function serveJson(status: number, body: unknown, headers: Record<string, string> = {}) {
  server = await startLoopback((_req, res) => sendJson(res, status, body, headers));
  return server.url;
}

describe('unknown and system codes on Bybit', () => {
  it.each([
    [170146, 'Order creation timeout', 'timeout'],
    [10016, 'Server error.', 'server'],
    [429, 'The trading service is experiencing a high server load.', 'server'],
    [170001, 'Internal error.', 'server'],
  ])('counts retCode %i on an order as an uncertain failure', async (retCode, retMsg, category) => {
    const url = await serveJson(200, { retCode, retMsg, result: {}, retExtInfo: {} });
    const { registry, recorded } = recording();
    const bybit = withBreaker(fetch, bybitPreset({ registry }));
    await bybit(`${url}/v5/order/create`, { method: 'POST', body: '{}' });
    expect(recorded.failures).toEqual([
      expect.objectContaining({ category, uncertainEffect: true }),
    ]);
  });

  it('never lets a code it cannot place pass silently on an order', async () => {
    const url = await serveJson(200, { retCode: 199999, retMsg: 'Something new', result: {} });
    const { registry, recorded } = recording();
    const bybit = withBreaker(fetch, bybitPreset({ registry }));
    await bybit(`${url}/v5/order/create`, { method: 'POST', body: '{}' });
    expect(recorded.failures).toEqual([expect.objectContaining({ uncertainEffect: true })]);
  });
});

describe('Kraken EService: Throttled: <unix ts>', () => {
  it('opens the breaker until the announced time', async () => {
    const until = nowMs / 1000 + 42;
    const url = await serveJson(200, { error: [`EService: Throttled: ${until}`] });
    const { registry, recorded } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${url}/0/private/Balance`, { method: 'POST', body: 'nonce=1' });
    expect(recorded.failures).toEqual([
      expect.objectContaining({ category: 'rate_limit', retryAfterMs: 42_000 }),
    ]);
    const rejected = await kraken(`${url}/0/private/Balance`, { method: 'POST' }).catch((e) => e);
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(42_000);
  });
});

describe('order safety', () => {
  it('marks any 5xx on a Binance spot order uncertain, whatever its message', async () => {
    const url = await serveJson(503, {
      code: -1001,
      msg: 'Internal error; unable to process your request. Please try again.',
    });
    const { registry, recorded } = recording();
    const binance = withBreaker(fetch, binancePreset({ registry }));
    await binance(`${url}/api/v3/order?signature=x`, { method: 'POST' });
    expect(recorded.failures).toEqual([
      expect.objectContaining({ category: 'server', uncertainEffect: true }),
    ]);
  });

  it('marks Kraken EService:Unavailable on AddOrder uncertain', async () => {
    const url = await serveJson(200, { error: ['EService:Unavailable'] });
    const { registry, recorded } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${url}/0/private/AddOrder`, { method: 'POST', body: 'nonce=1' });
    expect(recorded.failures).toEqual([expect.objectContaining({ uncertainEffect: true })]);
  });

  it('never marks a private read uncertain, though Kraken reads are POSTs', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    const { registry, recorded } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${server.url}/0/private/OpenOrders`, { method: 'POST', body: 'nonce=1' });
    await kraken(`${server.url}/0/private/Balance`, { method: 'POST', body: 'nonce=2' });
    expect(recorded.failures.map((f) => f.uncertainEffect)).toEqual([false, false]);
  });
});

describe('errors inside a success envelope', () => {
  it('ignores a Bybit batch whose items failed, so it cannot close a probe', async () => {
    const url = await serveJson(200, {
      retCode: 0,
      retMsg: 'OK',
      result: { list: [{ orderId: '', orderLinkId: 'a' }] },
      retExtInfo: { list: [{ code: 110007, msg: 'Available balance is insufficient' }] },
    });
    const { registry, recorded } = recording();
    const bybit = withBreaker(fetch, bybitPreset({ registry }));
    await bybit(`${url}/v5/order/create-batch`, { method: 'POST', body: '{}' });
    expect([recorded.successes, recorded.ignored.map((e) => e.category)]).toEqual([[], ['client']]);
  });

  it('ignores an OKX partial success whose failed items are client errors', async () => {
    const url = await serveJson(200, {
      code: '2',
      msg: '',
      data: [
        { ordId: '1', sCode: '0', sMsg: '' },
        { ordId: '', sCode: '51008', sMsg: 'Order failed. Insufficient balance' },
      ],
    });
    const { registry, recorded } = recording();
    const okx = withBreaker(fetch, okxPreset({ registry }));
    await okx(`${url}/api/v5/trade/batch-orders`, { method: 'POST', body: '[]' });
    expect([recorded.successes, recorded.ignored.map((e) => e.category)]).toEqual([[], ['client']]);
  });

  it('ignores a Coinbase batch cancel with failed results', async () => {
    const url = await serveJson(200, {
      results: [
        { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: 'a' },
        { success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: 'b' },
      ],
    });
    const { registry, recorded } = recording();
    const coinbase = withBreaker(fetch, coinbasePreset({ registry }));
    await coinbase(`${url}/api/v3/brokerage/orders/batch_cancel`, { method: 'POST', body: '{}' });
    expect([recorded.successes, recorded.ignored.map((e) => e.category)]).toEqual([[], ['client']]);
  });
});

describe('one category for clock and nonce errors', () => {
  it('counts Kraken EAPI:Invalid nonce as a client error, as Binance -1021 is', async () => {
    const url = await serveJson(200, { error: ['EAPI:Invalid nonce'] });
    const { registry, recorded } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${url}/0/private/Balance`, { method: 'POST', body: 'nonce=1' });
    expect(recorded.ignored.map((e) => e.category)).toEqual(['client']);
  });
});

describe('a 5xx whose body names the cause', () => {
  it('takes the timeout of a Cloudflare 524 page', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(524, { 'content-type': 'text/html; charset=UTF-8' });
      res.end(
        '<!DOCTYPE html><html><head><title>api.kraken.com | 524: A timeout occurred</title></head>' +
          '<body><span>Error code 524</span> Cloudflare Ray ID: 8f1e</body></html>',
      );
    });
    const { registry, recorded } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${server.url}/0/public/Ticker`);
    expect(recorded.failures.map((e) => e.category)).toEqual(['timeout']);
  });
});

describe('a Coinbase 429 that is not about rate', () => {
  it('does not trip on insufficient funds sent as HTTP 429', async () => {
    const url = await serveJson(429, {
      error: 'INSUFFICIENT_FUND',
      message: 'Insufficient balance in source account',
    });
    const { registry, recorded } = recording();
    const coinbase = withBreaker(fetch, coinbasePreset({ registry }));
    await coinbase(`${url}/api/v3/brokerage/orders`, { method: 'POST', body: '{}' });
    expect([recorded.failures, recorded.ignored.map((e) => e.category)]).toEqual([[], ['client']]);
  });
});

describe('status endpoints that answer maintenance with HTTP 200', () => {
  it('Binance /sapi/v1/system/status 1 is a maintenance failure', async () => {
    const url = await serveJson(200, { status: 1, msg: 'system_maintenance' });
    const { registry, recorded } = recording();
    const binance = withBreaker(fetch, binancePreset({ registry }));
    await binance(`${url}/sapi/v1/system/status`);
    expect(recorded.failures.map((e) => e.category)).toEqual(['maintenance']);
  });

  it('Kraken SystemStatus maintenance is a maintenance failure', async () => {
    const url = await serveJson(200, {
      error: [],
      result: { status: 'maintenance', timestamp: '2026-01-01T00:00:00Z' },
    });
    const { registry, recorded } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${url}/0/public/SystemStatus`);
    expect(recorded.failures.map((e) => e.category)).toEqual(['maintenance']);
  });

  it('Bybit and OKX ongoing maintenance waits until its announced end', async () => {
    const end = String(nowMs + 600_000);
    server = await startLoopback((req, res) =>
      req.url?.startsWith('/v5/')
        ? sendJson(res, 200, {
            retCode: 0,
            retMsg: 'OK',
            result: { list: [{ title: 'Upgrade', state: 'ongoing', begin: '1', end }] },
          })
        : sendJson(res, 200, {
            code: '0',
            msg: '',
            data: [{ title: 'Upgrade', state: 'ongoing', begin: '1', end, serviceType: '1' }],
          }),
    );
    const { registry, recorded } = recording();
    await withBreaker(fetch, bybitPreset({ registry }))(`${server.url}/v5/system/status`);
    await withBreaker(fetch, okxPreset({ registry }))(`${server.url}/api/v5/system/status`);
    expect(recorded.failures.map((e) => [e.category, e.retryAfterMs])).toEqual([
      ['maintenance', 600_000],
      ['maintenance', 600_000],
    ]);
  });
});

describe('breaker keys', () => {
  it('keep a testnet client and a production client apart', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 429, { code: -1003, msg: 'busy' }));
    const { registry } = recording();
    const binance = withBreaker(fetch, binancePreset({ registry }));
    const port = new URL(server.url).port;
    await binance(`http://127.0.0.1:${port}/api/v3/depth`);
    await binance(`http://localhost:${port}/api/v3/depth`);
    expect(registry.list().map((b) => b.name)).toHaveLength(2);
  });
});
