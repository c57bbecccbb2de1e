import { once } from 'node:events';
import type { ExchangeSim } from '@breakwater/exchanges/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSim, until } from './support.ts';

/** A `ws` client that records every message and protocol ping it receives. */
interface Client {
  readonly socket: WebSocket;
  readonly messages: Record<string, unknown>[];
  readonly pings: number[];
  /** Resolves with the next message (from now on, or the first not yet taken) that `match` accepts. */
  next(match?: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(message: unknown): void;
  closed: Promise<number>;
}

const clients: WebSocket[] = [];
afterEach(() => {
  for (const socket of clients.splice(0)) socket.terminate();
});

async function connect(url: string, options: { autoPong?: boolean } = {}): Promise<Client> {
  const socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
  clients.push(socket);
  const messages: Record<string, unknown>[] = [];
  const pings: number[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const waiter of [...waiters]) waiter();
  });
  socket.on('ping', () => pings.push(Date.now()));
  const closed = once(socket, 'close').then(([code]) => code as number);
  await once(socket, 'open');
  return {
    socket,
    messages,
    pings,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    next(match = () => true) {
      return new Promise((resolve) => {
        const check = () => {
          for (let i = taken; i < messages.length; i++) {
            taken = i + 1;
            if (match(messages[i]!)) {
              waiters.delete(check);
              resolve(messages[i]!);
              return;
            }
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * A round trip on the same socket: the server has handled everything the client sent before,
 * and the client has received everything the server sent before the answer.
 */
async function krakenBarrier(client: Client, reqId: number): Promise<void> {
  client.send({ method: 'ping', req_id: reqId });
  await client.next((m) => m.method === 'pong' && m.req_id === reqId);
}

async function binanceBarrier(client: Client, id: number): Promise<void> {
  client.send({ method: 'LIST_SUBSCRIPTIONS', id });
  await client.next((m) => m.id === id);
}

describe('Kraken’s WebSocket v2 market stream', () => {
  let sim: ExchangeSim;

  it('announces its status, confirms a subscription, then ticks on the clock', async () => {
    const started = await startSim({ exchanges: ['kraken'] });
    sim = started.sim;
    const client = await connect(sim.wsUrl('kraken'));
    expect(await client.next()).toMatchObject({
      channel: 'status',
      type: 'update',
      data: [{ api_version: 'v2', system: 'online' }],
    });
    client.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['BTC/USD'] },
      req_id: 7,
    });
    expect(await client.next()).toMatchObject({
      method: 'subscribe',
      req_id: 7,
      success: true,
      result: { channel: 'ticker', symbol: 'BTC/USD', snapshot: true },
    });
    expect(await client.next()).toMatchObject({
      channel: 'ticker',
      type: 'snapshot',
      data: [{ symbol: 'BTC/USD', last: 65_000, bid: 64_999.9, ask: 65_000.1 }],
    });
    await started.clock.advance(1_000);
    expect(await client.next()).toMatchObject({ channel: 'ticker', type: 'update' });
    expect(await client.next()).toEqual({ channel: 'heartbeat' });

    client.send({ method: 'ping', req_id: 8 });
    expect(await client.next()).toMatchObject({ method: 'pong', req_id: 8 });
    client.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['DOGE/XYZ'] },
      req_id: 9,
    });
    expect(await client.next()).toMatchObject({
      method: 'subscribe',
      req_id: 9,
      success: false,
      error: 'Currency pair not supported DOGE/XYZ',
    });
    client.socket.send('{not json');
    expect(await client.next()).toEqual({ error: 'Malformed request', success: false });
    expect(sim.counters('kraken')).toMatchObject({
      wsAttempts: 1,
      wsConnects: 1,
      wsSubscriptions: 1,
    });
  });

  it('goes silent: no updates, heartbeats or pongs until the incident ends', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    const client = await connect(sim.wsUrl('kraken'));
    client.send({
      method: 'subscribe',
      params: { channel: 'trade', symbol: ['ETH/USD'] },
      req_id: 1,
    });
    await client.next((m) => m.channel === 'trade' && m.type === 'snapshot');
    const silence = sim.incident({ exchange: 'kraken', type: 'wsSilent', durationMs: 5_000 });
    const before = client.messages.length;
    const received = sim.counters('kraken').wsMessages;
    client.send({ method: 'ping', req_id: 2 });
    await until(() => sim.counters('kraken').wsMessages > received);
    await clock.advance(4_999);
    silence.end();
    await krakenBarrier(client, 3);
    // Only the answer to the barrier's ping arrived: nothing during the silence, not even a pong.
    expect(client.messages.slice(before)).toEqual([
      expect.objectContaining({ method: 'pong', req_id: 3 }),
    ]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await clock.advance(1);
    expect(await client.next()).toMatchObject({ channel: 'trade', type: 'update' });
  });

  it('drops every connection at the scheduled time, or closes with a code', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    const first = await connect(sim.wsUrl('kraken'));
    sim.timeline([
      { exchange: 'kraken', type: 'wsDrop', atMs: 5_000 },
      { exchange: 'kraken', type: 'wsDrop', atMs: 6_000, code: 1013 },
    ]);
    await clock.advance(4_999);
    expect(first.socket.readyState).toBe(WebSocket.OPEN);
    await clock.advance(1);
    expect(await first.closed).toBe(1006);
    const second = await connect(sim.wsUrl('kraken'));
    await clock.advance(1_000);
    expect(await second.closed).toBe(1013);
    expect(sim.counters('kraken').wsConnects).toBe(2);
  });

  it('refuses upgrades during wsRefuse, and closes with 1001 on close()', async () => {
    const { sim } = await startSim({ exchanges: ['kraken'] });
    const refusal = sim.incident({ exchange: 'kraken', type: 'wsRefuse', status: 429 });
    const socket = new WebSocket(sim.wsUrl('kraken'));
    socket.on('error', () => {});
    const [, response] = (await once(socket, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(response.statusCode).toBe(429);
    refusal.end();
    const client = await connect(sim.wsUrl('kraken'));
    expect(sim.counters('kraken')).toMatchObject({ wsAttempts: 2, wsConnects: 1 });
    await sim.close();
    expect(await client.closed).toBe(1001);
  });
});

describe('Binance’s market streams', () => {
  it('confirms SUBSCRIBE by id and streams ticker updates on each tick', async () => {
    const { sim, clock } = await startSim({ exchanges: ['binance'] });
    const client = await connect(sim.wsUrl('binance'));
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker', 'ethusdt@trade'], id: 1 });
    expect(await client.next()).toEqual({ result: null, id: 1 });
    await clock.advance(1_000);
    expect(await client.next()).toMatchObject({ e: '24hrTicker', s: 'BTCUSDT', E: clock.now() });
    expect(await client.next()).toMatchObject({ e: 'trade', s: 'ETHUSDT' });
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect(await client.next((m) => m.id === 2)).toEqual({
      result: ['btcusdt@ticker', 'ethusdt@trade'],
      id: 2,
    });
    client.send({ method: 'SUBSCRIBEE', params: [], id: 3 });
    expect(await client.next((m) => m.id === 3)).toMatchObject({ code: 2 });
  });

  it('wraps combined streams in { stream, data }', async () => {
    const { sim, clock } = await startSim({ exchanges: ['binance'] });
    const url = sim.wsUrl('binance').replace(/\/ws$/, '/stream?streams=btcusdt@bookTicker');
    const client = await connect(url);
    await clock.advance(1_000);
    expect(await client.next()).toMatchObject({
      stream: 'btcusdt@bookTicker',
      data: { s: 'BTCUSDT', b: expect.stringMatching(/^\d+\.\d\d$/), a: expect.any(String) },
    });
  });

  it('pings every 20 s and drops a connection that has not answered for a minute', async () => {
    const { sim, clock } = await startSim({ exchanges: ['binance'] });
    const answering = await connect(sim.wsUrl('binance'));
    const mute = await connect(sim.wsUrl('binance'), { autoPong: false });
    for (let round = 1; round <= 2; round++) {
      const pinged = Promise.all([once(answering.socket, 'ping'), once(mute.socket, 'ping')]);
      await clock.advance(20_000);
      await pinged;
      // The pong went out when the ping came in; after this round trip the server has it.
      await binanceBarrier(answering, round);
    }
    expect(mute.socket.readyState).toBe(WebSocket.OPEN);
    await clock.advance(20_000);
    expect(await mute.closed).toBe(1006);
    expect(answering.pings).toHaveLength(3);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('closing the simulator', () => {
  it('leaves nothing running: a busy process exits on its own after close()', async () => {
    const { spawn } = await import('node:child_process');
    const fixture = new URL('./fixtures/busySimulator.ts', import.meta.url);
    const child = spawn(process.execPath, ['--conditions=@breakwater/source', fixture.pathname], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    // A leaked timer or socket would keep it alive; vitest's own timeout then fails the test.
    const [code] = await once(child, 'exit');
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'rejected: TypeError' });
  }, 20_000);
});

describe('ccxt pro on the simulator’s streams', () => {
  it('watches Kraken and Binance tickers through redirect()', async () => {
    const { default: ccxt } = await import('ccxt');
    const { sim, clock } = await startSim();
    const kraken = sim.redirect(new ccxt.pro.kraken({ enableRateLimit: false }));
    const binance = sim.redirect(
      new ccxt.pro.binance({
        enableRateLimit: false,
        options: { fetchMarkets: { types: ['spot'] } },
      }),
    );
    try {
      // Kraken sends a snapshot on subscribe; the next update comes with the next tick.
      expect(await kraken.watchTicker('BTC/USD')).toMatchObject({
        symbol: 'BTC/USD',
        last: 65_000,
      });
      const update = kraken.watchTicker('BTC/USD');
      await until(() => sim.counters('kraken').wsSubscriptions === 1);
      await clock.advance(1_000);
      expect((await update).last).not.toBe(65_000);
      // Binance sends nothing until the first tick after SUBSCRIBE.
      const ticker = binance.watchTicker('BTC/USDT');
      await until(() => sim.counters('binance').wsSubscriptions === 1);
      await clock.advance(1_000);
      expect(await ticker).toMatchObject({ symbol: 'BTC/USDT' });
    } finally {
      await Promise.all([kraken.close(), binance.close()]);
    }
  });
});
