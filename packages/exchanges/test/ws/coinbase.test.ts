import { isBreakwaterConfigError } from '@breakwater/core';
import { coinbaseWsPreset } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { next, parsed, useWsWorld } from '../support/wsWorld.ts';

/** Coinbase lists every subscription of the connection after each subscribe. */
function coinbase(): (message: string, connection: WebSocket) => undefined {
  const subscriptions: Record<string, string[]> = {};
  let sequence = 0;
  return (message, connection) => {
    const request = parsed(message) as { channel: string; product_ids?: string[] };
    subscriptions[request.channel] = request.product_ids ?? [request.channel];
    connection.send(
      JSON.stringify({
        channel: 'subscriptions',
        client_id: '',
        timestamp: '2026-12-06T09:30:59.123456Z',
        sequence_num: sequence++,
        events: [{ subscriptions }],
      }),
    );
    return undefined;
  };
}

const heartbeat = (counter: number) =>
  JSON.stringify({
    channel: 'heartbeats',
    client_id: '',
    timestamp: '2026-12-06T09:31:00.000000Z',
    sequence_num: counter,
    events: [
      { current_time: '2026-12-06 09:31:00.000000000 +0000 UTC', heartbeat_counter: counter },
    ],
  });

describe('coinbaseWsPreset against a loopback server speaking Advanced Trade', () => {
  const world = useWsWorld();

  it('subscribes each channel and heartbeats, with a fresh JWT each, and opens when all are listed', async () => {
    const { server } = world;
    world.answer = coinbase();
    let jwts = 0;
    const guard = world.guard(
      coinbaseWsPreset({
        subscriptions: [{ channel: 'ticker', product_ids: ['BTC-USD', 'ETH-USD'] }],
        jwt: () => `jwt-${++jwts}`,
      }),
    );
    await next(guard, 'open');
    expect(server.messages.map((m) => parsed(m.data))).toEqual([
      { type: 'subscribe', channel: 'ticker', product_ids: ['BTC-USD', 'ETH-USD'], jwt: 'jwt-1' },
      { type: 'subscribe', channel: 'heartbeats', jwt: 'jwt-2' },
    ]);
  });

  it('sends no pings, stays up on heartbeats, and replaces a silent connection', async () => {
    const { server, clock } = world;
    world.answer = coinbase();
    const guard = world.guard(
      coinbaseWsPreset({ subscriptions: [{ channel: 'ticker', product_ids: ['BTC-USD'] }] }),
    );
    await next(guard, 'open');
    const connection = server.connections[0]!;
    let pings = 0;
    connection.on('ping', () => pings++);
    for (let i = 0; i < 10; i++) {
      const got = next(guard, 'message');
      server.broadcast(heartbeat(i));
      await got;
      await clock.advance(1_000);
    }
    expect(guard.state).toBe('open');
    await clock.advance(5_000);
    const closed = next(guard, 'close');
    await clock.advance(5_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', willReconnect: true });
    expect(pings).toBe(0);
    expect(server.messages.length).toBe(2);
  });

  it('halts as auth on an authentication failure', async () => {
    world.answer = () => JSON.stringify({ type: 'error', message: 'authentication failure' });
    const guard = world.guard(
      coinbaseWsPreset({ subscriptions: [{ channel: 'user' }], jwt: () => 'jwt' }),
    );
    expect(await next(guard, 'close')).toMatchObject({
      cause: 'message',
      kind: 'auth',
      reason: 'coinbase: authentication failure',
    });
  });

  it('halts, uncounted, on a refused subscription', async () => {
    world.answer = () => JSON.stringify({ type: 'error', message: 'failure to subscribe' });
    const guard = world.guard(coinbaseWsPreset({ subscriptions: [{ channel: 'nope' }] }));
    expect(await next(guard, 'close')).toMatchObject({ kind: 'refused' });
    expect(guard.breaker.snapshot().counters.failures).toBe(0);
  });

  it('refuses more subscribe messages than Coinbase takes unauthenticated', () => {
    const subscriptions = Array.from({ length: 8 }, (_, i) => ({ channel: `c${i}` }));
    try {
      coinbaseWsPreset({ subscriptions });
      expect.unreachable();
    } catch (error) {
      expect(isBreakwaterConfigError(error)).toBe(true);
      expect(String(error)).toContain('8 unauthenticated messages per second');
    }
    expect(() => coinbaseWsPreset({ subscriptions, jwt: () => 'jwt' })).not.toThrow();
  });
});
