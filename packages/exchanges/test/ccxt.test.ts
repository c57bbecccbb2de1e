import {
  BreakerRegistry,
  constantBackoff,
  getBreakerOpenError,
  isBreakerOpenError,
  isBreakwaterConfigError,
  ManualClock,
} from '@breakwater/core';
import type { FailureEvent } from '@breakwater/core/adapter';
import { binancePreset, krakenPreset, protectCcxt } from '@breakwater/exchanges';
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

let server: Loopback | undefined;
const registries: BreakerRegistry[] = [];

/** The breaker key a preset gives a request to the loopback server: `<exchange>:<host>:<group>`. */
function key(exchange: string, group: string, url: string | undefined = server?.url): string {
  return `${exchange}:${new URL(url ?? 'http://0.0.0.0').host}:${group}`;
}

afterEach(async () => {
  for (const registry of registries.splice(0)) registry.dispose();
  await server?.close();
  server = undefined;
});

function registry(openMs = 60_000): BreakerRegistry {
  const clock = new ManualClock({ startMs: 1_767_225_600_000 });
  const created = new BreakerRegistry({
    defaults: { strategy: { type: 'consecutive', failureCount: 2 }, openMs, clock },
  });
  registries.push(created);
  return created;
}

/** A ccxt Kraken instance pointed at the loopback server, with a well-formed fake key. */
function kraken(url: string) {
  return new ccxt.kraken({
    // ccxt's own throttle would space the test's calls out by real seconds.
    enableRateLimit: false,
    apiKey: 'test-key',
    secret: Buffer.from('not-a-real-secret-but-valid-base64').toString('base64'),
    urls: { api: { public: url, private: url } },
  });
}

const time = {
  error: [],
  result: { unixtime: 1_767_225_600, rfc1123: 'Thu, 01 Jan 26 00:00:00 +0000' },
};

describe('protectCcxt with a real ccxt exchange', () => {
  it('sends ccxt requests through the breaker and keeps ccxt’s parsing', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, time));
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }));
    expect(await exchange.fetchTime()).toBe(1_767_225_600_000);
    expect(server.requests).toEqual(['GET /0/public/Time']);
    expect(breakers.peek(key('kraken', 'public'))?.snapshot().counters).toMatchObject({
      calls: 1,
      successes: 1,
    });
  });

  it('lets ccxt map a Kraken error body while the breaker counts it, then opens', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EService:Unavailable'] }),
    );
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }));
    await expect(exchange.fetchTime()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    await expect(exchange.fetchTime()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    const breaker = breakers.peek(key('kraken', 'public'));
    expect(breaker?.state).toBe('open');
    expect(breaker?.snapshot().counters.failuresByCategory.maintenance).toBe(2);

    // Open: nothing is sent, and the error is Breakwater's, not one of ccxt's classes.
    const error = await exchange.fetchTime().catch((e: unknown) => e);
    expect(isBreakerOpenError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ccxt.BaseError);
    expect(server.requests).toHaveLength(2);
  });

  it('ignores an invalid key: ccxt throws AuthenticationError, the breaker stays closed', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EAPI:Invalid key'] }),
    );
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }));
    for (let i = 0; i < 3; i++) {
      await expect(exchange.privatePostBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    }
    expect(breakers.peek(key('kraken', 'private'))?.state).toBe('closed');
    expect(breakers.peek(key('kraken', 'private'))?.snapshot().counters.ignored).toBe(3);
  });

  it('counts a ccxt timeout as a timeout failure, marked uncertain on an order', async () => {
    // The route never answers: ccxt's own 50 ms timer aborts, as it does in production.
    server = await startLoopback(() => {});
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }));
    exchange.timeout = 50;
    const failures: FailureEvent[] = [];
    const order = exchange.privatePostAddOrder({
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '1',
      volume: '1',
    });
    await expect(order).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    const breaker = breakers.peek(key('kraken', 'order'));
    expect(breaker?.snapshot().counters).toMatchObject({ failures: 1, timeouts: 1, released: 0 });
    breaker?.on('failure', (e) => failures.push(e));
    await expect(
      exchange.privatePostAddOrder({
        pair: 'XBTUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '1',
        volume: '1',
      }),
    ).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ category: 'timeout', uncertainEffect: true });
    expect(failures[0]?.context).toMatchObject({
      key: key('kraken', 'order'),
      method: 'POST',
      idempotent: false,
    });
    expect(server.requests.every((r) => r === 'POST /0/private/AddOrder')).toBe(true);
  });

  it('marks a 5xx on an order uncertain and never retries it', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    const breakers = registry();
    const preset = {
      ...krakenPreset({ registry: breakers }),
      retry: { maxAttempts: 3, backoff: constantBackoff(0) },
    };
    const exchange = protectCcxt(kraken(server.url), preset);
    const failures: FailureEvent[] = [];
    await expect(
      exchange.privatePostAddOrder({
        pair: 'XBTUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '1',
        volume: '1',
      }),
    ).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    breakers.peek(key('kraken', 'order'))?.on('failure', (e) => failures.push(e));
    await expect(
      exchange.privatePostAddOrder({
        pair: 'XBTUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '1',
        volume: '1',
      }),
    ).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(failures[0]).toMatchObject({ category: 'server', uncertainEffect: true });
    // Two calls, two requests: the retry policy never repeats an order.
    expect(server.requests).toEqual(['POST /0/private/AddOrder', 'POST /0/private/AddOrder']);
  });

  it('reports a refused connection as ccxt’s NetworkError and a network failure', async () => {
    server = await startLoopback(() => {});
    const url = server.url;
    await server.close();
    server = undefined;
    const breakers = registry();
    const exchange = protectCcxt(kraken(url), krakenPreset({ registry: breakers }));
    await expect(exchange.fetchTime()).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect(
      breakers.peek(key('kraken', 'public', url))?.snapshot().counters.failuresByCategory.network,
    ).toBe(1);
  });

  it('works with Binance: a 429 with Retry-After opens the breaker at once', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(
        res,
        429,
        {
          code: -1003,
          msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.',
        },
        { 'retry-after': '30' },
      ),
    );
    const breakers = registry(1_000);
    const exchange = new ccxt.binance({
      enableRateLimit: false,
      urls: { api: { public: `${server.url}/api/v3`, private: `${server.url}/api/v3` } },
    });
    protectCcxt(exchange, binancePreset({ registry: breakers }));
    await expect(exchange.publicGetTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    const breaker = breakers.peek(key('binance', 'public'));
    expect(breaker?.state).toBe('open');
    const error = await exchange.publicGetTime().catch((e: unknown) => e);
    expect(isBreakerOpenError(error) && error.retryAfterMs).toBe(30_000);
    expect(server.requests).toEqual(['GET /api/v3/time']);
  });

  it('refuses to send around a ccxt proxy with the global fetch, naming the setting', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, time));
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }));
    // What ccxt's proxy agents (http-proxy-agent, socks-proxy-agent, …) look like to it.
    const proxyAgent = { proxy: new URL('http://proxy.invalid:3128') };
    exchange.agent = proxyAgent;
    const error = await exchange.fetchTime().catch((e: unknown) => e);
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/ccxt's `agent`.*ProxyAgent/);
    expect(server.requests).toEqual([]);
    expect(breakers.peek(key('kraken', 'public'))).toBeUndefined();

    // ccxt's own proxy settings are named, without their value (it may hold credentials).
    exchange.httpsProxy = 'http://user:secret@proxy.invalid:3128';
    const send = exchange.fetchImplementation as (url: string, init: object) => Promise<unknown>;
    const viaSetting = await send(`${server.url}/0/public/Time`, { agent: proxyAgent }).catch(
      (e: unknown) => e,
    );
    expect(isBreakwaterConfigError(viaSetting)).toBe(true);
    expect((viaSetting as Error).message).toContain("ccxt's `httpsProxy`");
    expect((viaSetting as Error).message).not.toContain('secret');
    expect(server.requests).toEqual([]);
  });

  it('calls the global fetch of each request when given none, as MSW replaces it later', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, time));
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }));
    const original = globalThis.fetch;
    const seen: string[] = [];
    // What MSW's `server.listen()` does after the bot module created its exchange.
    globalThis.fetch = (input, init) => {
      seen.push(String(input));
      return original(input, init);
    };
    try {
      expect(await exchange.fetchTime()).toBe(1_767_225_600_000);
    } finally {
      globalThis.fetch = original;
    }
    expect(seen).toEqual([`${server.url}/0/public/Time`]);
    expect(breakers.peek(key('kraken', 'public'))?.snapshot().counters.successes).toBe(1);
  });

  it("hands ccxt's agent to a fetch of your own", async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, time));
    const agents: unknown[] = [];
    const own = (url: string, init?: RequestInit & { agent?: unknown }) => {
      agents.push(init?.agent);
      return fetch(url, init);
    };
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }), {
      fetch: own,
    });
    const proxyAgent = { proxy: new URL('http://proxy.invalid:3128') };
    exchange.agent = proxyAgent;
    expect(await exchange.fetchTime()).toBe(1_767_225_600_000);
    expect(agents).toEqual([proxyAgent]);
    expect(breakers.peek(key('kraken', 'public'))?.snapshot().counters.successes).toBe(1);
  });

  it('throws ccxt’s RateLimitExceeded from a breaker opened on a rate limit', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EAPI:Rate limit exceeded'] }),
    );
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }), {
      errors: ccxt,
    });
    for (let i = 0; i < 2; i++) {
      await expect(exchange.privatePostBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    }
    const error = await exchange.privatePostBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(error).toBeInstanceOf(ccxt.NetworkError);
    expect(isBreakerOpenError(error)).toBe(true);
    expect((error as Error).cause).toBe(getBreakerOpenError(error));
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(60_000);
    expect((error as Error).message).toMatch(
      /^kraken Breaker "kraken:127\.0\.0\.1:\d+:private" is open/,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('throws ccxt’s ExchangeNotAvailable from a breaker opened on server errors', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }), {
      errors: ccxt,
    });
    for (let i = 0; i < 2; i++) {
      await expect(exchange.fetchTime()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    }
    const error = await exchange.fetchTime().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(error).not.toBeInstanceOf(ccxt.OnMaintenance);
    expect(isBreakerOpenError(error)).toBe(true);
  });

  it('throws ccxt’s OnMaintenance, an ExchangeNotAvailable, after maintenance', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EService:Unavailable'] }),
    );
    const breakers = registry();
    const exchange = protectCcxt(kraken(server.url), krakenPreset({ registry: breakers }), {
      errors: ccxt,
    });
    for (let i = 0; i < 2; i++) await exchange.fetchTime().catch(() => undefined);
    const error = await exchange.fetchTime().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.OnMaintenance);
    expect(error).toBeInstanceOf(ccxt.ExchangeNotAvailable);
  });

  it('lets ccxt’s usual back-off loop handle an open Binance breaker', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(
        res,
        429,
        { code: -1003, msg: 'Too much request weight used.' },
        { 'retry-after': '30' },
      ),
    );
    const breakers = registry(1_000);
    const exchange = new ccxt.binance({
      enableRateLimit: false,
      urls: { api: { public: `${server.url}/api/v3`, private: `${server.url}/api/v3` } },
    });
    protectCcxt(exchange, binancePreset({ registry: breakers }), { errors: ccxt });
    const waits: number[] = [];
    // The loop ccxt's documentation shows: back off on NetworkError, handle ExchangeError.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await exchange.publicGetTime();
      } catch (error) {
        if (error instanceof ccxt.NetworkError) {
          waits.push((error as { retryAfterMs?: number }).retryAfterMs ?? -1);
          continue;
        }
        throw error;
      }
    }
    // The 429 itself (ccxt's DDoSProtection, no wait attached), then two rejections.
    expect(waits).toEqual([-1, 30_000, 30_000]);
    expect(server.requests).toEqual(['GET /api/v3/time']);
  });

  it('rejects errors without the classes it throws', () => {
    const make = (errors: unknown) => () =>
      protectCcxt(kraken('http://127.0.0.1:1'), krakenPreset(), { errors } as never);
    expect(make({})).toThrow(/`errors.ExchangeNotAvailable`/);
    expect(make({ ExchangeNotAvailable: ccxt.ExchangeNotAvailable })).toThrow(
      /`errors.RateLimitExceeded`/,
    );
    expect(make('ccxt')).toThrow(/`errors`/);
  });

  it('rejects what is not a ccxt exchange', () => {
    expect(() => protectCcxt({} as never, krakenPreset())).toThrow(/exchange/);
    expect(() =>
      protectCcxt(kraken('http://127.0.0.1:1'), krakenPreset(), { fetsh: fetch } as never),
    ).toThrow(/fetsh/);
  });
});
