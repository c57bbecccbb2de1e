import { isBreakwaterConfigError } from '@breakwater/core';
import { krakenWsPreset } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { next, parsed, record, useWsWorld } from '../support/wsWorld.ts';

const ticker = { channel: 'ticker', symbol: ['BTC/USD', 'ETH/USD'] };
const time = { time_in: '2026-12-06T09:30:59.123456Z', time_out: '2026-12-06T09:30:59.123499Z' };

/** Kraken v2 acknowledges every symbol of a subscribe on its own. */
function kraken(message: string, connection: WebSocket): undefined {
  const request = parsed(message);
  if (request.method !== 'subscribe') return undefined;
  const params = request.params as { channel: string; symbol?: string[] };
  for (const symbol of params.symbol ?? [undefined]) {
    connection.send(
      JSON.stringify({
        method: 'subscribe',
        result: { channel: params.channel, symbol, snapshot: true },
        success: true,
        ...time,
        req_id: request.req_id,
      }),
    );
  }
  return undefined;
}

const status = (system: string) =>
  JSON.stringify({
    channel: 'status',
    type: 'update',
    data: [{ api_version: 'v2', connection_id: 1, system, version: '2.0.0' }],
  });

describe('krakenWsPreset against a loopback server speaking Kraken v2', () => {
  const world = useWsWorld();

  it('subscribes and opens once every symbol is confirmed', async () => {
    const { server } = world;
    world.answer = kraken;
    const guard = world.guard(krakenWsPreset({ subscriptions: [ticker] }));
    await next(guard, 'open');
    expect(server.messages.map((m) => parsed(m.data))).toEqual([
      { method: 'subscribe', params: ticker, req_id: 1 },
    ]);
  });

  it('confirms 300 symbols, acknowledged one by one', async () => {
    const { server } = world;
    world.answer = kraken;
    const symbol = Array.from({ length: 300 }, (_, i) => `C${i}/USD`);
    const guard = world.guard(krakenWsPreset({ subscriptions: [{ channel: 'trade', symbol }] }));
    await next(guard, 'open');
    expect(server.messages).toHaveLength(1);
  });

  it('waits for the last symbol: one missing acknowledgement fails the attempt', async () => {
    const { server, clock } = world;
    world.answer = (message, connection) => {
      const request = parsed(message);
      connection.send(
        JSON.stringify({
          method: 'subscribe',
          result: { channel: 'ticker', symbol: 'BTC/USD' },
          success: true,
          req_id: request.req_id,
        }),
      );
      return undefined;
    };
    const guard = world.guard(krakenWsPreset({ subscriptions: [ticker] }));
    const opens = record(guard, 'open');
    await server.nextMessage();
    const closed = next(guard, 'close');
    await clock.advance(10_000);
    expect(await closed).toMatchObject({ cause: 'connectTimeout' });
    expect(opens).toEqual([]);
  });

  it('puts a fresh token in every subscription, and halts as auth on an invalid session', async () => {
    const { server } = world;
    let tokens = 0;
    world.answer = (message) =>
      JSON.stringify({
        error: 'ESession:Invalid session',
        method: 'subscribe',
        success: false,
        ...time,
        req_id: parsed(message).req_id,
      });
    const guard = world.guard(
      krakenWsPreset({
        subscriptions: [{ channel: 'executions' }],
        token: () => `token-${++tokens}`,
      }),
    );
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'message', kind: 'auth', willReconnect: false });
    expect(closed.reason).toBe('kraken: ESession:Invalid session');
    expect(parsed(server.messages[0]!.data)).toMatchObject({
      params: { channel: 'executions', token: 'token-1' },
    });
    expect(guard.state).toBe('halted');
  });

  it('halts, uncounted, on an unsupported pair', async () => {
    world.answer = () =>
      JSON.stringify({
        error: 'Currency pair not supported XYZ/USD',
        method: 'subscribe',
        success: false,
      });
    const guard = world.guard(
      krakenWsPreset({ subscriptions: [{ channel: 'ticker', symbol: ['XYZ/USD'] }] }),
    );
    expect(await next(guard, 'close')).toMatchObject({ kind: 'refused' });
    expect(guard.breaker.snapshot().counters.failures).toBe(0);
  });

  it("backs off on Kraken's message-rate limit while subscribing", async () => {
    world.answer = () => JSON.stringify({ Error: 'Exceeded msg rate' });
    const guard = world.guard(krakenWsPreset({ subscriptions: [ticker] }));
    expect(await next(guard, 'close')).toMatchObject({
      kind: 'transient',
      reason: 'kraken: Exceeded msg rate',
      willReconnect: true,
    });
    expect(guard.breaker.snapshot().lastFailure?.category).toBe('rate_limit');
  });

  it('backs off and reconnects when Kraken is in maintenance', async () => {
    const { server, clock } = world;
    let maintenance = true;
    world.answer = (message, connection) => {
      connection.send(status(maintenance ? 'maintenance' : 'online'));
      return kraken(message, connection);
    };
    const guard = world.guard(krakenWsPreset({ subscriptions: [ticker] }));
    const closing = next(guard, 'close');
    const waiting = next(guard, 'reconnecting');
    expect(await closing).toMatchObject({
      cause: 'message',
      kind: 'transient',
      reason: 'kraken: system maintenance',
    });
    expect(guard.breaker.snapshot().lastFailure?.category).toBe('maintenance');
    maintenance = false;
    const opened = next(guard, 'open');
    await clock.advance((await waiting).delayMs);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('rides on the heartbeat channel, pings only a silent socket, and replaces a dead one', async () => {
    const { server, clock } = world;
    world.answer = kraken;
    const guard = world.guard(krakenWsPreset({ subscriptions: [ticker] }));
    await next(guard, 'open');
    for (let i = 0; i < 5; i++) {
      const got = next(guard, 'message');
      server.broadcast('{"channel":"heartbeat"}');
      await got;
      await clock.advance(10_000);
    }
    expect(server.messages.some((m) => m.data.includes('"ping"'))).toBe(false);
    server.ignorePings();
    const ping = server.nextMessage((m) => parsed(m.data).method === 'ping');
    await clock.advance(10_000);
    await ping;
    const closed = next(guard, 'close');
    await clock.advance(10_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', willReconnect: true });
  });

  it('refuses bad subscriptions and a token inside one', () => {
    const error = (options: unknown) => {
      try {
        krakenWsPreset(options as never);
      } catch (e) {
        if (isBreakwaterConfigError(e)) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(error({ subscriptions: [{ symbol: ['BTC/USD'] }] })).toContain('`subscriptions[0]`');
    expect(error({ subscriptions: [{ channel: 'ticker', symbol: [] }] })).toContain(
      '`subscriptions[0].symbol`',
    );
    const leaked = error({ subscriptions: [{ channel: 'executions', token: 'SECRET-TOKEN' }] });
    expect(leaked).toContain('`subscriptions[0].token`');
    expect(leaked).not.toContain('SECRET-TOKEN');
  });
});
