import { constantBackoff } from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import type WsWebSocket from 'ws';
import { clients, next, record, standardClient, useWorld, wsClient } from './helpers.ts';

describe('the heartbeat with the ws package (protocol pings)', () => {
  const world = useWorld();

  it('keeps a connection whose pings are answered', async () => {
    const { server, clock } = world;
    const guard = world.guard(wsClient, { heartbeat: { intervalMs: 10_000, timeoutMs: 5_000 } });
    const closes = record(guard, 'close');
    await next(guard, 'open');
    const socket = guard.socket as WsWebSocket;
    for (let i = 0; i < 3; i++) {
      const pong = new Promise((resolve) => socket.once('pong', resolve));
      await clock.advance(10_000);
      await pong;
    }
    await clock.advance(9_999);
    expect(closes).toEqual([]);
    expect(server.attempts).toBe(1);
  });

  it('terminates a connection whose ping goes unanswered, and reconnects', async () => {
    const { server, clock } = world;
    const guard = world.guard(wsClient, {
      heartbeat: { intervalMs: 10_000, timeoutMs: 5_000 },
      reconnect: { backoff: constantBackoff(1_000) },
    });
    await next(guard, 'open');
    server.ignorePings();
    const first = server.connections[0]!;
    const serverSawClose = new Promise((resolve) => first.once('close', resolve));
    const closed = next(guard, 'close');
    await clock.advance(15_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', code: 1006, willReconnect: true });
    await serverSawClose;
    server.heal();
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });
});

describe.each(clients)('an application heartbeat with %s', (client) => {
  const world = useWorld();
  const heartbeat = {
    intervalMs: 10_000,
    timeoutMs: 5_000,
    message: 'ping',
    isPong: (data: unknown) => data === 'pong',
  };

  it('sends the ping message and does not deliver the pong', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, { heartbeat });
    const messages = record(guard, 'message');
    await next(guard, 'open');
    const ping = server.nextMessage((m) => m.data === 'ping');
    await clock.advance(10_000);
    await ping;
    server.broadcast('after-pong');
    await next(guard, 'message');
    await clock.advance(5_000);
    expect(messages).toEqual(['after-pong']);
    expect(guard.state).toBe('open');
  });

  it('reconnects when the pong does not come', async () => {
    const { server, clock } = world;
    server.ignorePings();
    const guard = world.guard(client, { heartbeat, reconnect: { backoff: constantBackoff(500) } });
    await next(guard, 'open');
    const ping = server.nextMessage((m) => m.data === 'ping');
    await clock.advance(10_000);
    await ping;
    const closed = next(guard, 'close');
    await clock.advance(5_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', kind: 'transient' });
    const opened = next(guard, 'open');
    await clock.advance(500);
    await opened;
    expect(server.attempts).toBe(2);
  });
});

describe("Node's global WebSocket without a heartbeat message", () => {
  const world = useWorld();

  it('runs no heartbeat timer: it cannot send protocol pings', async () => {
    const { clock } = world;
    const guard = world.guard(standardClient, { heartbeat: {}, minUptimeMs: 0 });
    await next(guard, 'open');
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
