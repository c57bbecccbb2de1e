import { isBreakwaterConfigError } from '@breakwater/core';
import { startExchangeSim } from '@breakwater/exchanges/testing';
import { describe, expect, it } from 'vitest';
import { binanceClient, krakenClient, startSim } from './support.ts';

describe('the exchange simulator with real ccxt clients', () => {
  it('serves everything ccxt kraken calls to trade, in Kraken’s format', async () => {
    const { sim } = await startSim({ exchanges: ['kraken'] });
    const kraken = krakenClient(sim);
    await kraken.loadMarkets();
    expect(kraken.symbols).toEqual(['BTC/USD', 'ETH/USD']);
    expect(kraken.market('BTC/USD')).toMatchObject({ id: 'XXBTZUSD', active: true });

    const ticker = await kraken.fetchTicker('BTC/USD');
    expect(ticker).toMatchObject({ symbol: 'BTC/USD', last: 65_000, bid: 64_999.9, ask: 65_000.1 });
    const book = await kraken.fetchOrderBook('ETH/USD', 5);
    expect(book.bids).toHaveLength(5);
    expect(book.asks[0]?.[0]).toBe(3_200.01);
    expect((await kraken.fetchBalance()).total).toMatchObject({ USD: 100_000, BTC: 1, ETH: 10 });
    expect((await kraken.fetchStatus()).status).toBe('ok');

    const placed = await kraken.createOrder('BTC/USD', 'limit', 'buy', 0.01, 60_000, {
      clientOrderId: 'bot-1',
    });
    expect(placed.id).toMatch(/^[A-Z2-7]{6}-[A-Z2-7]{5}-[A-Z2-7]{6}$/);
    const fetched = await kraken.fetchOrder(String(placed.id));
    expect(fetched).toMatchObject({ status: 'open', price: 60_000, amount: 0.01, side: 'buy' });
    expect(fetched.clientOrderId).toBe('bot-1');
    expect(await kraken.fetchOpenOrders('BTC/USD')).toHaveLength(1);
    await kraken.cancelOrder(String(placed.id));
    expect((await kraken.fetchOrder(String(placed.id))).status).toBe('canceled');
    const filled = await kraken.createOrder('ETH/USD', 'market', 'sell', 0.5);
    expect((await kraken.fetchOrder(String(filled.id))).status).toBe('closed');

    expect(sim.orders('kraken').map((o) => [o.symbol, o.status, o.clientOrderId])).toEqual([
      ['BTC/USD', 'canceled', 'bot-1'],
      ['ETH/USD', 'filled', undefined],
    ]);
    const counters = sim.counters('kraken');
    expect(counters.ordersPlaced).toBe(2);
    expect(counters.routes['POST /0/private/AddOrder']).toEqual({ 200: 2 });
    expect(counters.routes['GET /0/public/AssetPairs']).toEqual({ 200: 1 });
    expect(counters.statuses).toEqual({ 200: counters.requests });
  });

  it('serves everything ccxt binance calls to trade, in Binance’s format', async () => {
    const { sim } = await startSim({ exchanges: ['binance'] });
    const binance = binanceClient(sim);
    await binance.loadMarkets();
    expect(binance.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    const ticker = await binance.fetchTicker('BTC/USDT');
    expect(ticker).toMatchObject({ last: 65_000, bid: 64_999.99, ask: 65_000.01 });
    expect((await binance.fetchOrderBook('BTC/USDT', 10)).bids).toHaveLength(10);
    expect((await binance.fetchBalance()).total).toMatchObject({ USDT: 100_000, BTC: 1 });
    expect((await binance.fetchStatus()).status).toBe('ok');

    const placed = await binance.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, {
      clientOrderId: 'bot-1',
    });
    expect(placed).toMatchObject({ status: 'open', clientOrderId: 'bot-1', price: 60_000 });
    expect((await binance.fetchOrder(String(placed.id), 'BTC/USDT')).status).toBe('open');
    expect(await binance.fetchOpenOrders('BTC/USDT')).toHaveLength(1);
    expect((await binance.cancelOrder(String(placed.id), 'BTC/USDT')).status).toBe('canceled');
    const filled = await binance.createOrder('ETH/USDT', 'market', 'buy', 0.1);
    expect(filled.status).toBe('closed');

    const counters = sim.counters('binance');
    expect(counters.ordersPlaced).toBe(2);
    expect(counters.routes['POST /api/v3/order']).toEqual({ 200: 2 });
    expect(counters.routes['DELETE /api/v3/order']).toEqual({ 200: 1 });
  });

  it('answers with each exchange’s own errors, which ccxt maps to its classes', async () => {
    const { sim } = await startSim();
    const kraken = krakenClient(sim);
    const binance = binanceClient(sim);
    await expect(kraken.fetchOrder('OAAAAA-AAAAA-AAAAAA')).rejects.toThrow(/could not find/);
    await expect(binance.fetchOrder('42', 'BTC/USDT')).rejects.toThrow(
      expect.objectContaining({ name: 'OrderNotFound' }),
    );
    // Binance refuses a client order id an open order already uses, and the simulator counts it.
    await binance.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'x' });
    await expect(
      binance.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'x' }),
    ).rejects.toThrow(expect.objectContaining({ name: 'InvalidOrder' }));
    expect(sim.counters('binance')).toMatchObject({ ordersPlaced: 1, duplicateOrders: 1 });
    // An unsigned private call is refused as Binance refuses it.
    const response = await fetch(`${sim.url('binance')}/api/v3/account`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: -2014, msg: 'API-key format invalid.' });
  });

  it('refuses orders outside the limits the exchange lists, as it would', async () => {
    const { sim } = await startSim();
    const kraken = await fetch(`${sim.url('kraken')}/0/private/AddOrder`, {
      method: 'POST',
      headers: { 'api-key': 'key', 'api-sign': 'sign' },
      body: 'nonce=1&pair=XBTUSD&type=buy&ordertype=limit&volume=Infinity&price=1',
    });
    expect(await kraken.json()).toEqual({ error: ['EGeneral:Invalid arguments'] });
    const order = (query: string) =>
      fetch(`${sim.url('binance')}/api/v3/order?${query}&timestamp=1&signature=s`, {
        method: 'POST',
        headers: { 'x-mbx-apikey': 'key' },
      }).then(async (res) => [res.status, await res.json()]);
    expect(await order('symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1e308')).toEqual([
      400,
      { code: -1013, msg: 'Filter failure: LOT_SIZE' },
    ]);
    expect(await order('side=BUY&type=MARKET&quantity=1')).toEqual([
      400,
      {
        code: -1102,
        msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
      },
    ]);
    expect(sim.orders('kraken')).toEqual([]);
    expect(sim.orders('binance')).toEqual([]);
  });

  it('binds 127.0.0.1 on a free port per exchange, and frees it on close', async () => {
    const sim = await startExchangeSim();
    const kraken = new URL(sim.url('kraken'));
    const binance = new URL(sim.url('binance'));
    expect(kraken.hostname).toBe('127.0.0.1');
    expect(kraken.port).not.toBe(binance.port);
    expect(sim.wsUrl('kraken')).toBe(`ws://127.0.0.1:${kraken.port}/v2`);
    expect(sim.wsUrl('binance')).toBe(`ws://127.0.0.1:${binance.port}/ws`);
    await sim.close();
    await sim.close(); // idempotent
    await expect(fetch(`${sim.url('kraken')}/0/public/Time`)).rejects.toThrow();
    expect(() => sim.incident({ exchange: 'kraken', type: 'wsDrop', atMs: 60_000 })).toThrow(
      /closed/,
    );
  });

  it('rejects bad options and incidents, naming them', async () => {
    const fail = (options: unknown) =>
      startExchangeSim(options as never).then(
        () => undefined,
        (error: unknown) => error,
      );
    const cases: [unknown, RegExp][] = [
      [{ exchanges: ['kraken', 'coinbase'] }, /`exchanges\[1\]`.*'kraken', 'binance'/],
      [{ exchanges: [] }, /`exchanges`/],
      [{ exchanges: ['kraken', 'kraken'] }, /each exchange once/],
      [{ tickIntervalMs: 0 }, /`tickIntervalMs`/],
      [{ binance: { weightLimit: -1 } }, /`binance.weightLimit`/],
      [{ binance: { banMS: 1 } }, /banMS/],
      [{ kraken: { privateCounter: { maxCount: 0, decayPerSecond: 1 } } }, /maxCount/],
      [{ clock: {} }, /`clock`/],
    ];
    for (const [options, message] of cases) {
      const error = await fail(options);
      expect(isBreakwaterConfigError(error), String(message)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    const { sim } = await startSim({ exchanges: ['kraken'] });
    expect(() => sim.incident({ exchange: 'binance', type: 'ban' })).toThrow(/`incident.exchange`/);
    expect(() => sim.incident({ exchange: 'kraken', type: 'serverErrors', status: 404 })).toThrow(
      /`incident.status`.*500 to 599/,
    );
    expect(() =>
      sim.timeline([{ exchange: 'kraken', type: 'wsDrop', durationMs: 5 } as never]),
    ).toThrow(/`timeline\[0\].durationMs`.*type, exchange, atMs, code/);
    expect(() => sim.url('binance')).toThrow(/runs kraken, not binance/);
    expect(() => sim.setPrice('kraken', 'DOGE/USD', 1)).toThrow(/no market DOGE\/USD/);
  });
});
