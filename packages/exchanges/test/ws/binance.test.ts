import { isBreakwaterConfigError } from '@breakwater/core';
import { binanceWsPreset } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';
import { next, parsed, record, useWsWorld } from '../support/wsWorld.ts';

const hour = 3_600_000;

/** Binance answers a SUBSCRIBE with `{"result":null,"id":…}`. */
function binance(message: string): string | undefined {
  const request = parsed(message);
  if (request.method === 'SUBSCRIBE') return JSON.stringify({ result: null, id: request.id });
  return undefined;
}

const trade = (t: number) =>
  JSON.stringify({ e: 'trade', E: 1_700_000_000_000 + t, s: 'BTCUSDT', t, p: '1.0', q: '2.0' });

describe('binanceWsPreset against a loopback server speaking Binance streams', () => {
  const world = useWsWorld();

  it('SUBSCRIBEs on every connection and opens once Binance answers', async () => {
    const { server } = world;
    world.answer = binance;
    const guard = world.guard(binanceWsPreset({ streams: ['btcusdt@trade', 'ethusdt@trade'] }));
    await next(guard, 'open');
    expect(server.messages.map((m) => parsed(m.data))).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@trade', 'ethusdt@trade'], id: 1 },
    ]);
  });

  it('halts, uncounted, on an invalid stream (code 2)', async () => {
    world.answer = (message) =>
      JSON.stringify({
        error: { code: 2, msg: 'Invalid request: invalid stream' },
        id: parsed(message).id,
      });
    const guard = world.guard(binanceWsPreset({ streams: ['nope@nothing'] }));
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({
      cause: 'message',
      kind: 'refused',
      reason: 'binance 2: Invalid request: invalid stream',
    });
    expect(guard.state).toBe('halted');
    expect(guard.breaker.snapshot().counters.failures).toBe(0);
  });

  it('rotates before the 24 h cut and delivers every trade exactly once', async () => {
    const { server, clock } = world;
    world.answer = binance;
    // No heartbeat: a 23.5 h jump of the clock would outrun every pong.
    const guard = world.guard(binanceWsPreset({ streams: ['btcusdt@trade'] }), {
      heartbeat: false,
    });
    const trades = record(guard, 'message');
    await next(guard, 'open');
    server.broadcast(trade(1));
    await next(guard, 'message');
    const rotated = next(guard, 'open');
    const resubscribed = server.nextMessage((m) => m.connection === 1);
    await clock.advance(23.5 * hour - 1);
    expect(server.attempts).toBe(1);
    await clock.advance(1);
    await resubscribed;
    // Both sockets get trades 2 and 3; the switch happens where they overlap.
    for (const t of [2, 3]) server.broadcast(trade(t));
    await rotated;
    server.broadcast(trade(4));
    await next(guard, 'message', (data) => String(data).includes('"t":4'));
    const ids = trades.map((data) => (JSON.parse(String(data)) as { t?: number }).t);
    expect(ids.filter((t) => t !== undefined)).toEqual([1, 2, 3, 4]);
    expect(server.attempts).toBe(2);
    const old = server.connections[0]!;
    if (old.readyState !== old.CLOSED) await new Promise((resolve) => old.once('close', resolve));
    expect(server.openConnections).toHaveLength(1);
    expect(guard.state).toBe('open');
  });

  it('rotates at once on serverShutdown', async () => {
    const { server } = world;
    world.answer = binance;
    const guard = world.guard(binanceWsPreset({ streams: ['btcusdt@trade'] }));
    await next(guard, 'open');
    const rotated = next(guard, 'open');
    const resubscribed = server.nextMessage((m) => m.connection === 1);
    server.broadcast(JSON.stringify({ e: 'serverShutdown', E: 1_700_000_000_000 }));
    await resubscribed;
    // The switch happens where both sockets delivered the same trade.
    server.broadcast(trade(7));
    expect(await rotated).toMatchObject({ reason: 'rotation' });
    expect(server.attempts).toBe(2);
  });

  it('reconnects for a fresh listen key when it expired, and never names the key', async () => {
    const { server, clock } = world;
    const guard = world.guard(binanceWsPreset());
    await next(guard, 'open');
    const closing = next(guard, 'close');
    const waiting = next(guard, 'reconnecting');
    server.broadcast(
      JSON.stringify({
        e: 'listenKeyExpired',
        E: 1_700_000_000_000,
        listenKey: 'SECRET-LISTEN-KEY',
      }),
    );
    const closed = await closing;
    expect(closed).toMatchObject({ cause: 'message', kind: 'transient', willReconnect: true });
    expect(`${closed.reason} ${String(closed.error)}`).not.toContain('SECRET-LISTEN-KEY');
    const opened = next(guard, 'open');
    await clock.advance((await waiting).delayMs);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it("takes the server's pings as signs of life, and pings a silent server itself", async () => {
    const { server, clock } = world;
    const guard = world.guard(binanceWsPreset());
    await next(guard, 'open');
    const connection = server.connections[0]!;
    let clientPings = 0;
    connection.on('ping', () => clientPings++);
    // Binance pings every 20 s; the guard sends none.
    for (let i = 0; i < 6; i++) {
      const ponged = new Promise((resolve) => connection.once('pong', resolve));
      connection.ping();
      await ponged;
      await clock.advance(20_000);
    }
    expect(clientPings).toBe(0);
    // Binance goes silent and stops answering: the next tick finds no frame and pings…
    server.ignorePings();
    const pinged = new Promise((resolve) => connection.once('ping', resolve));
    await clock.advance(30_000);
    await pinged;
    expect(clientPings).toBe(1);
    // … and 30 s without an answer end the connection.
    const closed = next(guard, 'close');
    await clock.advance(30_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', willReconnect: true });
  });

  it('refuses more than 1024 streams', () => {
    const streams = Array.from({ length: 1025 }, (_, i) => `s${i}@trade`);
    try {
      binanceWsPreset({ streams });
      expect.unreachable();
    } catch (error) {
      expect(isBreakwaterConfigError(error)).toBe(true);
      expect(String(error)).toContain("Binance's limit per connection");
    }
  });
});
