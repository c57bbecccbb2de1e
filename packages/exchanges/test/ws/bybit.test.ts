import { bybitWsPreset } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { next, parsed, useWsWorld } from '../support/wsWorld.ts';

const auth = { apiKey: 'key-123', expires: 1_800_000_000_000, signature: 'SECRET-SIGNATURE' };

/** Bybit's answers: pongs, auth and subscribe results (ccxt's and Bybit's documented frames). */
function bybit(message: string, connection: WebSocket): undefined {
  const request = parsed(message);
  const reply = (body: object) => connection.send(JSON.stringify({ ...body, conn_id: 'c1' }));
  if (request.op === 'ping')
    reply({ success: true, ret_msg: 'pong', req_id: request.req_id, op: 'ping' });
  if (request.op === 'auth') reply({ success: true, ret_msg: '', op: 'auth' });
  if (request.op === 'subscribe')
    reply({ success: true, ret_msg: '', req_id: request.req_id, op: 'subscribe' });
  return undefined;
}

describe('bybitWsPreset against a loopback server speaking Bybit v5', () => {
  const world = useWsWorld();

  it('authenticates, subscribes 10 topics per request, and opens once all are confirmed', async () => {
    const { server } = world;
    world.answer = bybit;
    const topics = Array.from({ length: 12 }, (_, i) => `publicTrade.C${i}USDT`);
    const guard = world.guard(bybitWsPreset({ topics, auth: () => auth }));
    await next(guard, 'open');
    const sent = server.messages.map((m) => parsed(m.data));
    expect(sent[0]).toEqual({ op: 'auth', args: [auth.apiKey, auth.expires, auth.signature] });
    expect(sent.slice(1).map((m) => (m.args as string[]).length)).toEqual([10, 2]);
  });

  it('pings every 20 s, does not deliver the pong, and replaces a socket that stops answering', async () => {
    const { server, clock } = world;
    world.answer = bybit;
    const guard = world.guard(bybitWsPreset({ topics: ['tickers.BTCUSDT'] }));
    await next(guard, 'open');
    const messages: unknown[] = [];
    guard.on('message', (data) => messages.push(data));
    const ping = server.nextMessage((m) => parsed(m.data).op === 'ping');
    await clock.advance(20_000);
    await ping;
    const after = next(guard, 'message');
    server.broadcast('{"topic":"tickers.BTCUSDT","data":{}}');
    await after;
    expect(messages).toEqual(['{"topic":"tickers.BTCUSDT","data":{}}']);
    world.answer = () => undefined;
    await clock.advance(10_000);
    const closed = next(guard, 'close');
    await clock.advance(20_000);
    await clock.advance(10_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', willReconnect: true });
  });

  it('takes the private stream\'s {"op":"pong"} as the answer, not as a message', async () => {
    const { server, clock } = world;
    world.answer = (message, connection) => {
      const request = parsed(message);
      if (request.op !== 'ping') return bybit(message, connection);
      return JSON.stringify({
        req_id: request.req_id,
        op: 'pong',
        args: ['1757405570352'],
        conn_id: 'c1',
      });
    };
    const guard = world.guard(bybitWsPreset({ topics: ['order'], auth: () => auth }));
    await next(guard, 'open');
    const messages: unknown[] = [];
    guard.on('message', (data) => messages.push(data));
    for (let i = 0; i < 3; i++) {
      const ping = server.nextMessage((m) => parsed(m.data).op === 'ping');
      await clock.advance(20_000);
      await ping;
      // Sent after the pong, so it arrives after it: the pong has been taken by then.
      const marker = next(guard, 'message');
      server.broadcast(`{"topic":"order","data":[${i}]}`);
      await marker;
    }
    await clock.advance(10_000);
    expect(messages).toEqual([0, 1, 2].map((i) => `{"topic":"order","data":[${i}]}`));
    expect(guard.state).toBe('open');
  });

  it('halts as auth when authentication fails, and never repeats the signature', async () => {
    world.answer = (message) =>
      JSON.stringify({
        success: false,
        ret_msg: 'error:USVC1111',
        conn_id: 'c1',
        request: parsed(message),
      });
    const guard = world.guard(bybitWsPreset({ topics: ['order'], auth: () => auth }));
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({
      cause: 'message',
      kind: 'auth',
      reason: 'bybit: error:USVC1111',
    });
    expect(`${closed.reason} ${String(closed.error)}`).not.toContain('SECRET-SIGNATURE');
    expect(guard.state).toBe('halted');
  });

  it('halts, uncounted, on an unknown topic', async () => {
    world.answer = (message) =>
      JSON.stringify({
        success: false,
        ret_msg: 'error:handler not found,topic:orderbook.1.NOPE',
        req_id: parsed(message).req_id,
        op: 'subscribe',
      });
    const guard = world.guard(bybitWsPreset({ topics: ['orderbook.1.NOPE'] }));
    expect(await next(guard, 'close')).toMatchObject({
      kind: 'refused',
      reason: 'bybit: error:handler not found,topic:orderbook.1.NOPE',
    });
    expect(guard.breaker.snapshot().counters.failures).toBe(0);
  });

  it('backs off and reconnects on a rate limit', async () => {
    const { server, clock } = world;
    let refuse = true;
    world.answer = (message, connection) => {
      if (!refuse) return bybit(message, connection);
      refuse = false;
      return JSON.stringify({ success: false, ret_msg: 'Too many requests', op: 'subscribe' });
    };
    const guard = world.guard(bybitWsPreset({ topics: ['tickers.BTCUSDT'] }));
    const closing = next(guard, 'close');
    const waiting = next(guard, 'reconnecting');
    expect(await closing).toMatchObject({ kind: 'transient', willReconnect: true });
    expect(guard.breaker.snapshot().lastFailure?.category).toBe('rate_limit');
    const opened = next(guard, 'open');
    await clock.advance((await waiting).delayMs);
    await opened;
    expect(server.attempts).toBe(2);
  });
});
