import { BreakerRegistry, type Clock, isBreakerOpenError } from '@breakwater/core';
import type { FailureEvent } from '@breakwater/core/adapter';
import {
  binancePreset,
  binanceSystemStatus,
  krakenPreset,
  krakenSystemStatus,
  protectCcxt,
} from '@breakwater/exchanges';
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { binanceClient, krakenClient, startSim, until } from './support.ts';

const registries: BreakerRegistry[] = [];
afterEach(() => {
  for (const registry of registries.splice(0)) registry.dispose();
});

function registry(clock: Clock): BreakerRegistry {
  const created = new BreakerRegistry({
    defaults: { strategy: { type: 'consecutive', failureCount: 2 }, openMs: 60_000, clock },
  });
  registries.push(created);
  return created;
}

/** The error a promise rejects with. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('scripted incidents, as ccxt sees them', () => {
  it('a 5xx storm: the CDN’s HTML page, ExchangeNotAvailable, only where scoped', async () => {
    const { sim, clock } = await startSim();
    const kraken = krakenClient(sim);
    const binance = binanceClient(sim);
    await Promise.all([kraken.loadMarkets(), binance.loadMarkets()]);
    sim.incident({ exchange: 'kraken', type: 'serverErrors', durationMs: 10_000 });
    sim.incident({ exchange: 'binance', type: 'serverErrors', status: 503, scope: 'order' });

    await expect(kraken.fetchTicker('BTC/USD')).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    const page = await fetch(`${sim.url('kraken')}/0/public/Time`);
    expect([page.status, page.headers.get('content-type')]).toEqual([502, 'text/html']);
    expect(await page.text()).toContain('502 Bad Gateway');
    // Scoped to orders: market data still flows.
    expect((await binance.fetchTicker('BTC/USDT')).last).toBe(65_000);
    await expect(
      binance.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000),
    ).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);

    await clock.advance(10_000);
    expect((await kraken.fetchTicker('BTC/USD')).last).toBe(65_000);
    expect(sim.counters('kraken').routes['GET /0/public/Ticker']).toEqual({ 200: 1, 502: 1 });
    expect(sim.counters('binance').routes['POST /api/v3/order']).toEqual({ 503: 1 });
    expect(sim.orders('binance')).toEqual([]);
  });

  it('rate limits: Kraken’s error on HTTP 200, Binance’s 429 with Retry-After', async () => {
    const { sim } = await startSim();
    const kraken = krakenClient(sim);
    const binance = binanceClient(sim);
    sim.timeline([
      { exchange: 'kraken', type: 'rateLimited' },
      { exchange: 'binance', type: 'rateLimited', retryAfterMs: 45_000 },
    ]);
    const krakenError = await rejection(kraken.fetchTime());
    expect(krakenError).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String(krakenError)).toContain('EAPI:Rate limit exceeded');
    const raw = await fetch(`${sim.url('kraken')}/0/public/Time`);
    expect([raw.status, await raw.json()]).toEqual([200, { error: ['EAPI:Rate limit exceeded'] }]);

    await expect(binance.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    const limited = await fetch(`${sim.url('binance')}/api/v3/time`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(await limited.json()).toMatchObject({ code: -1003 });
    expect(sim.counters('binance').rateLimited).toBe(2);
  });

  it('a Binance 429 opens the preset’s breaker for exactly its Retry-After', async () => {
    const { sim, clock } = await startSim({ exchanges: ['binance'] });
    const breakers = registry(clock);
    const binance = protectCcxt(binanceClient(sim), binancePreset({ registry: breakers }), {
      errors: ccxt,
    });
    sim.incident({ exchange: 'binance', type: 'rateLimited', retryAfterMs: 30_000 });
    await expect(binance.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    for (let i = 0; i < 5; i++) {
      const error = await rejection(binance.fetchTime());
      expect(isBreakerOpenError(error) && error.retryAfterMs).toBe(30_000);
    }
    expect(sim.counters('binance').requests).toBe(1);
  });

  it('a Binance ban: 418, "banned until", Retry-After; Kraken’s lockout', async () => {
    const { sim, clock } = await startSim();
    sim.incident({ exchange: 'binance', type: 'ban', durationMs: 300_000 });
    sim.incident({ exchange: 'kraken', type: 'ban', durationMs: 300_000 });
    await expect(binanceClient(sim).fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    await clock.advance(60_000);
    const banned = await fetch(`${sim.url('binance')}/api/v3/time`);
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('240');
    const until = clock.now() + 240_000;
    expect(await banned.json()).toEqual({
      code: -1003,
      msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
    });
    const lockout = await rejection(krakenClient(sim).fetchBalance());
    expect(lockout).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String(lockout)).toContain('EGeneral:Temporary lockout');
    await clock.advance(240_000);
    expect(await binanceClient(sim).fetchTime()).toBe(clock.now());
  });

  it('counts Binance weight per IP, answers 429 over the limit and bans who keeps going', async () => {
    const { sim, clock } = await startSim({
      exchanges: ['binance'],
      binance: { weightLimit: 10, toleratedRateLimitCount: 2 },
    });
    const time = () => fetch(`${sim.url('binance')}/api/v3/time`);
    const used: (string | null)[] = [];
    for (let i = 0; i < 10; i++) used.push((await time()).headers.get('x-mbx-used-weight-1m'));
    expect(used).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    await clock.advance(15_000);
    const limited = await time();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '45']);
    expect((await time()).status).toBe(429);
    const ban = await time();
    expect([ban.status, ban.headers.get('retry-after')]).toEqual([418, '120']);
    expect(sim.counters('binance')).toMatchObject({ bans: 1, rateLimited: 2, bannedRequests: 1 });

    // A new minute does not lift a ban; its end does. A second ban lasts twice as long.
    await clock.advance(60_000);
    expect((await time()).status).toBe(418);
    await clock.advance(60_000);
    expect((await time()).status).toBe(200);
    for (let i = 0; i < 12; i++) await time();
    const second = await time();
    expect([second.status, second.headers.get('retry-after')]).toEqual([418, '240']);
    expect(sim.counters('binance').bans).toBe(2);
  });

  it('bans an unprotected bot where the preset’s breaker keeps it out of trouble', async () => {
    const run = async (protect: boolean) => {
      const { sim, clock } = await startSim({
        exchanges: ['binance'],
        binance: { weightLimit: 20 },
      });
      const binance = binanceClient(sim);
      if (protect) protectCcxt(binance, binancePreset({ registry: registry(clock) }));
      for (let i = 0; i < 40; i++) await binance.fetchTime().catch(() => undefined);
      return sim.counters('binance');
    };
    expect(await run(false)).toMatchObject({ requests: 40, bans: 1 });
    expect(await run(true)).toMatchObject({ requests: 21, rateLimited: 1, bans: 0 });
  });

  it('throttles Kraken private calls with a decaying counter per API key', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    const kraken = krakenClient(sim);
    for (let i = 0; i < 15; i++) await kraken.privatePostBalance();
    await expect(kraken.privatePostBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    // Orders have their own counter in Kraken's engine.
    await kraken.privatePostAddOrder({
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'market',
      volume: '0.001',
    });
    await clock.advance(3_100); // 0.33 per second: one call's worth
    await kraken.privatePostBalance();
    await expect(kraken.privatePostBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    expect(sim.counters('kraken').rateLimited).toBe(2);
  });

  it('maintenance: announced on the status endpoints, the APIs refuse calls', async () => {
    const { sim, clock } = await startSim();
    const kraken = krakenClient(sim);
    const binance = binanceClient(sim);
    await Promise.all([kraken.loadMarkets(), binance.loadMarkets()]);
    sim.timeline([
      { exchange: 'kraken', type: 'maintenance', atMs: 1_000, durationMs: 60_000 },
      { exchange: 'binance', type: 'maintenance', atMs: 1_000, durationMs: 60_000 },
    ]);
    expect((await kraken.fetchStatus()).status).toBe('ok');
    await clock.advance(1_000);
    expect((await kraken.fetchStatus()).status).toBe('maintenance');
    expect((await binance.fetchStatus()).status).toBe('maintenance');
    const base = { baseUrl: sim.url('kraken') };
    expect((await krakenSystemStatus(fetch, base)).health).toBe('maintenance');
    expect((await binanceSystemStatus(fetch, { baseUrl: sim.url('binance') })).health).toBe(
      'maintenance',
    );
    await expect(kraken.fetchTicker('BTC/USD')).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    await expect(binance.fetchTicker('BTC/USDT')).rejects.toBeInstanceOf(ccxt.OnMaintenance);
    // The presets read the same answers as maintenance.
    const refused = await fetch(`${sim.url('binance')}/api/v3/time`);
    const verdict = binancePreset().classify(
      { url: refused.url, method: 'GET' },
      {
        status: refused.status,
        headers: Object.fromEntries(refused.headers),
        body: await refused.text(),
      },
    );
    expect(verdict).toMatchObject({ verdict: 'failure', category: 'maintenance' });
    await clock.advance(60_000);
    expect((await kraken.fetchStatus()).status).toBe('ok');
  });

  it('cancel-only: Kraken refuses new orders with OnMaintenance and still cancels', async () => {
    const { sim } = await startSim({ exchanges: ['kraken'] });
    const kraken = krakenClient(sim);
    const open = await kraken.createOrder('BTC/USD', 'limit', 'buy', 0.01, 60_000);
    sim.incident({ exchange: 'kraken', type: 'maintenance', mode: 'cancel_only' });
    expect((await kraken.fetchTicker('BTC/USD')).last).toBe(65_000);
    await expect(
      kraken.createOrder('BTC/USD', 'limit', 'buy', 0.01, 60_000),
    ).rejects.toBeInstanceOf(ccxt.OnMaintenance);
    await kraken.cancelOrder(String(open.id));
    expect(sim.orders('kraken').map((o) => o.status)).toEqual(['canceled']);
  });

  it('an order that times out was placed: the preset marks it uncertain, a query finds it', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    const breakers = registry(clock);
    const kraken = protectCcxt(krakenClient(sim), krakenPreset({ registry: breakers }));
    await kraken.loadMarkets();
    kraken.timeout = 50; // ccxt's own timer, on real time, against an answer that never comes
    sim.incident({ exchange: 'kraken', type: 'orderTimeout' });
    const failures: FailureEvent[] = [];
    const order = kraken.createOrder('BTC/USD', 'limit', 'buy', 0.01, 60_000, {
      clientOrderId: 'bot-7',
    });
    await expect(order).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    const key = `kraken:${new URL(sim.url('kraken')).host}:order`;
    breakers.peek(key)?.on('failure', (event) => failures.push(event));
    await expect(
      kraken.createOrder('BTC/USD', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'bot-8' }),
    ).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect(failures).toEqual([
      expect.objectContaining({ category: 'timeout', uncertainEffect: true }),
    ]);

    // Both orders exist: the bot must look before it sends them again.
    kraken.timeout = 10_000;
    const open = await kraken.fetchOpenOrders('BTC/USD');
    expect(open.map((o) => o.clientOrderId).sort()).toEqual(['bot-7', 'bot-8']);
    expect(sim.orders('kraken').every((o) => o.answerWithheld)).toBe(true);
    expect(sim.counters('kraken').routes['POST /0/private/AddOrder']).toEqual({ 0: 2 });
  });

  it('a 5xx on an order that was placed: uncertain for the preset, found by a query', async () => {
    const { sim, clock } = await startSim({ exchanges: ['binance'] });
    const breakers = registry(clock);
    const binance = protectCcxt(binanceClient(sim), binancePreset({ registry: breakers }));
    await binance.loadMarkets();
    sim.incident({ exchange: 'binance', type: 'serverErrors', scope: 'order', orderPlaced: true });
    const failures: FailureEvent[] = [];
    const key = `binance:${new URL(sim.url('binance')).host}:order`;
    await binance.fetchTicker('BTC/USDT'); // market data is out of the storm's scope
    const placing = binance.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 70_000, {
      clientOrderId: 'bot-5',
    });
    await expect(placing).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    breakers.peek(key)?.on('failure', (event) => failures.push(event));
    await expect(
      binance.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 71_000, { clientOrderId: 'bot-6' }),
    ).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(failures).toEqual([
      expect.objectContaining({ category: 'server', uncertainEffect: true }),
    ]);
    const open = await binance.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.clientOrderId)).toEqual(['bot-5', 'bot-6']);
    expect(sim.counters('binance').routes['POST /api/v3/order']).toEqual({ 502: 2 });
    expect(sim.orders('binance').every((o) => o.answerWithheld)).toBe(true);
  });

  it('Binance: a withheld order exists; a retry with its client id is a duplicate', async () => {
    const { sim } = await startSim({ exchanges: ['binance'] });
    const binance = binanceClient(sim);
    await binance.loadMarkets();
    sim.incident({ exchange: 'binance', type: 'orderTimeout' });
    binance.timeout = 50;
    const params = { clientOrderId: 'bot-9' };
    await expect(
      binance.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, params),
    ).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    binance.timeout = 10_000;
    // The blind retry a bot without a breaker makes: Binance refuses the id an open order holds.
    await expect(
      binance.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, params),
    ).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    const [open] = await binance.fetchOpenOrders('BTC/USDT');
    expect(open?.clientOrderId).toBe('bot-9');
    expect(sim.counters('binance')).toMatchObject({ ordersPlaced: 1, duplicateOrders: 1 });
  });

  it('Kraken places an order sent twice twice, and counts the duplicate', async () => {
    const { sim } = await startSim({ exchanges: ['kraken'] });
    const kraken = krakenClient(sim);
    for (let i = 0; i < 2; i++) {
      await kraken.createOrder('ETH/USD', 'limit', 'sell', 0.1, 4_000, { clientOrderId: 'same' });
    }
    expect(sim.counters('kraken')).toMatchObject({ ordersPlaced: 2, duplicateOrders: 1 });
    expect(sim.orders('kraken').map((o) => o.clientOrderId)).toEqual(['same', 'same']);
  });

  it('latency: answers leave late on the simulator’s clock; ccxt’s own timeout fires', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    sim.incident({ exchange: 'kraken', type: 'latency', delayMs: 5_000, scope: 'public' });
    const late = fetch(`${sim.url('kraken')}/0/public/Time`).then((res) => res.json());
    await until(() => clock.pendingTimers > 0); // the request has arrived; its answer waits
    await clock.advance(4_999);
    expect(sim.counters('kraken').requests).toBe(0); // decided, not yet sent
    await clock.advance(1);
    // Decided when the request arrived, sent 5 s later.
    expect(await late).toMatchObject({ result: { unixtime: 1_767_225_600 } });
    const kraken = krakenClient(sim);
    kraken.timeout = 50;
    await expect(kraken.fetchTime()).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    // Private calls are out of scope: they answer at once.
    kraken.timeout = 10_000;
    expect(await kraken.privatePostBalance()).toMatchObject({ error: [] });
  });

  it('Cloudflare’s own 5xx pages in front of Kraken: 524 reads as a timeout', async () => {
    const { sim } = await startSim({ exchanges: ['kraken'] });
    sim.incident({ exchange: 'kraken', type: 'serverErrors', status: 524 });
    const res = await fetch(`${sim.url('kraken')}/0/public/Ticker?pair=XBTUSD`);
    const body = await res.text();
    expect(body).toContain('Error code 524');
    const verdict = krakenPreset().classify(
      { url: res.url, method: 'GET' },
      { status: res.status, headers: Object.fromEntries(res.headers), body },
    );
    expect(verdict).toMatchObject({ verdict: 'failure', category: 'timeout' });
    // ccxt 4.5 maps no exception to 524 and hands its caller `undefined`: only a breaker that
    // reads the page sees the timeout.
    expect(await krakenClient(sim).fetchTime()).toBeUndefined();
  });

  it('runs a timeline on the clock; incidents end on time or when told', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    const status = async () => (await fetch(`${sim.url('kraken')}/0/public/Time`)).status;
    const [storm, limit] = sim.timeline([
      { exchange: 'kraken', type: 'serverErrors', atMs: 1_000, durationMs: 2_000 },
      { exchange: 'kraken', type: 'serverErrors', status: 504, atMs: 5_000 },
    ]);
    expect([storm?.startMs, storm?.endMs, limit?.endMs]).toEqual([1_000, 3_000, Infinity]);
    expect(await status()).toBe(200);
    await clock.advance(1_000);
    expect([storm?.active, await status()]).toEqual([true, 502]);
    expect(sim.activeIncidents()).toEqual([storm]);
    await clock.advance(2_000);
    expect([storm?.active, await status()]).toEqual([false, 200]);
    await clock.advance(2_000);
    expect(await status()).toBe(504);
    limit?.end();
    expect([limit?.active, limit?.endMs, await status()]).toEqual([false, 5_000, 200]);
    sim.incident({ exchange: 'kraken', type: 'ban' });
    sim.heal();
    expect(await status()).toBe(200);
    expect(sim.elapsedMs).toBe(5_000);
  });
});
