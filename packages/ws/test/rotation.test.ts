import { constantBackoff } from '@breakwater/core';
import type { MessageData } from '@breakwater/ws';
import { describe, expect, it } from 'vitest';
import WsWebSocket from 'ws';
import { clients, next, record, until, useWorld } from './helpers.ts';

const seqOf = (data: MessageData): number | undefined =>
  typeof data === 'string' && data.startsWith('{')
    ? (JSON.parse(data) as { seq: number }).seq
    : undefined;

describe.each(clients)('rotation with %s', (client) => {
  const world = useWorld();

  /** A feed that publishes numbered messages to every subscribed connection. */
  function feed() {
    const subscribed = new Set<WsWebSocket>();
    let seq = 0;
    world.onMessage = (message, connection) => {
      if (message !== 'subscribe') return undefined;
      subscribed.add(connection);
      return 'subscribed';
    };
    return {
      publish(count: number) {
        for (let i = 0; i < count; i++) {
          seq++;
          for (const ws of subscribed) {
            if (ws.readyState === WsWebSocket.OPEN) ws.send(JSON.stringify({ seq }));
          }
        }
        return seq;
      },
    };
  }

  it('makes the new connection before breaking the old, without gaps or duplicates', async () => {
    const { server, clock } = world;
    const { publish } = feed();
    const guard = world.guard(client, {
      minUptimeMs: 1_000,
      rotation: { maxLifetimeMs: 60_000, overlapMs: 5_000, messageId: seqOf },
      resubscribe: ({ send }) => {
        send('subscribe');
      },
    });
    const seqs: number[] = [];
    guard.on('message', (data) => {
      const seq = seqOf(data);
      if (seq !== undefined) seqs.push(seq);
    });
    const states = record(guard, 'state');
    const opens = record(guard, 'open');
    await next(guard, 'open');
    await server.nextMessage((m) => m.data === 'subscribe');
    publish(3);
    await until(guard, 'message', () => seqs.length === 3);

    const rotated = next(guard, 'close', (close) => close.cause === 'rotated');
    await clock.advance(60_000);
    await server.nextMessage((m) => m.data === 'subscribe' && m.connection === 1);
    publish(3);
    expect(await rotated).toMatchObject({ code: 1000, kind: 'normal', willReconnect: false });
    const last = publish(2);
    await until(guard, 'message', () => seqs.at(-1) === last);

    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(opens.map((open) => open.reason)).toEqual(['initial', 'rotation']);
    expect(states.map((state) => state.to)).toEqual(['open']);
    expect(server.attempts).toBe(2);
    const old = server.connections[0]!;
    if (old.readyState !== WsWebSocket.CLOSED) await new Promise((done) => old.once('close', done));
    expect(server.openConnections).toEqual([server.connections[1]]);
  });

  it('without messageId, switches as soon as the new connection is resubscribed', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      minUptimeMs: 1_000,
      rotation: { maxLifetimeMs: 60_000 },
      resubscribe: ({ send }) => {
        send('subscribe');
      },
    });
    await next(guard, 'open');
    const first = guard.socket;
    const rotated = next(guard, 'close', (close) => close.cause === 'rotated');
    const opened = next(guard, 'open');
    await clock.advance(60_000);
    await rotated;
    expect(await opened).toMatchObject({ reason: 'rotation' });
    expect(guard.socket).not.toBe(first);
    expect(guard.state).toBe('open');
    await server.nextMessage((m) => m.connection === 1);
  });

  it('keeps the old connection when the replacement fails, and tries again after backoff', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      minUptimeMs: 1_000,
      rotation: { maxLifetimeMs: 60_000 },
      reconnect: { backoff: constantBackoff(2_000) },
    });
    await next(guard, 'open');
    server.refuseUpgrades(503, { times: 1 });
    const retry = next(guard, 'reconnecting');
    await clock.advance(60_000);
    expect(await retry).toMatchObject({ rotation: true, delayMs: 2_000, cause: 'backoff' });
    expect(guard.state).toBe('open');
    const rotated = next(guard, 'close', (close) => close.cause === 'rotated');
    await clock.advance(2_000);
    await rotated;
    expect(server.attempts).toBe(3);
    expect(guard.state).toBe('open');
  });

  it('lets the replacement take over when the old connection dies mid-rotation', async () => {
    const { server, clock } = world;
    let release = () => {};
    const guard = world.guard(client, {
      minUptimeMs: 1_000,
      rotation: { maxLifetimeMs: 60_000 },
      resubscribe: ({ reason }) =>
        reason === 'rotation'
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : undefined,
    });
    await next(guard, 'open');
    const replacement = server.nextConnection();
    await clock.advance(60_000);
    const newSide = await replacement;
    const states = record(guard, 'state');
    const closed = next(guard, 'close');
    server.connections[0]!.terminate();
    expect(await closed).toMatchObject({ cause: 'remote', willReconnect: true });
    expect(guard.state).toBe('reconnecting');
    expect(guard.send('queued')).toBe(true);
    const message = next(guard, 'message');
    newSide.send('from the new socket');
    expect(await message).toBe('from the new socket');
    const opened = next(guard, 'open');
    release();
    expect(await opened).toMatchObject({ reason: 'rotation' });
    expect(states.map((state) => state.to)).toEqual(['reconnecting', 'open']);
    expect((await server.nextMessage((m) => m.data === 'queued')).connection).toBe(1);
    expect(server.attempts).toBe(2);
  });
});
