import { constantBackoff } from '@breakwater/core';
import type { MessageData, MessageVerdict } from '@breakwater/ws';
import { describe, expect, it } from 'vitest';
import { clients, listenersOn, next, record, useWorld, wsClient } from './helpers.ts';

const subscribe = JSON.stringify({ op: 'subscribe', args: ['trades'] });
const isAck = (data: MessageData) => String(data).includes('"event":"subscribe"');

/** A toy protocol: `{"event":"error","code":…}` frames, and a restart notice. */
function classify(data: MessageData): MessageVerdict | undefined {
  const text = String(data);
  if (text.includes('"code":"bad"')) return { action: 'halt', reason: 'bad subscription' };
  if (text.includes('"code":"login"')) return { action: 'halt', category: 'auth' };
  if (text.includes('"code":"busy"')) {
    return { action: 'reconnect', category: 'rate_limit', retryAfterMs: 60_000, reason: 'busy' };
  }
  if (text.includes('"event":"notice"')) return { action: 'rotate' };
  return undefined;
}

describe.each(clients)('error frames and confirmations with %s', (client) => {
  const world = useWorld();

  it('halts without counting a failure when the subscription is refused', async () => {
    const { server } = world;
    world.onMessage = () => JSON.stringify({ event: 'error', code: 'bad', msg: 'no such channel' });
    const guard = world.guard(client, {
      classifyMessage: classify,
      resubscribe: async ({ send, waitFor }) => {
        send(subscribe);
        await waitFor(isAck);
      },
    });
    const messages = record(guard, 'message');
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({
      cause: 'message',
      kind: 'refused',
      code: 1000,
      reason: 'bad subscription',
      willReconnect: false,
    });
    expect((closed.error as Error).name).toBe('WebSocketErrorFrame');
    expect(guard.state).toBe('halted');
    expect(messages).toEqual([]);
    expect(guard.breaker.snapshot().counters.failures).toBe(0);
    expect(server.attempts).toBe(1);
  });

  it('halts as an auth close on a refused login', async () => {
    world.onMessage = () => JSON.stringify({ event: 'error', code: 'login' });
    const guard = world.guard(client, {
      classifyMessage: classify,
      resubscribe: async ({ send, waitFor }) => {
        send(subscribe);
        await waitFor(isAck);
      },
    });
    expect(await next(guard, 'close')).toMatchObject({ cause: 'message', kind: 'auth' });
    expect(guard.state).toBe('halted');
  });

  it('backs off for the error frame`s retryAfterMs and opens the breaker', async () => {
    const { server, clock } = world;
    let refusals = 1;
    world.onMessage = () =>
      refusals-- > 0
        ? JSON.stringify({ event: 'error', code: 'busy' })
        : JSON.stringify({ event: 'subscribe' });
    const guard = world.guard(client, {
      classifyMessage: classify,
      reconnect: { backoff: constantBackoff(1_000) },
      resubscribe: async ({ send, waitFor }) => {
        send(subscribe);
        await waitFor(isAck);
      },
    });
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'message', kind: 'transient', willReconnect: true });
    expect(guard.breaker.state).toBe('open');
    await clock.advance(59_999);
    expect(server.attempts).toBe(1);
    const opened = next(guard, 'open');
    await clock.advance(1);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('fails an attempt whose subscription is never confirmed', async () => {
    const { server, clock } = world;
    let answer = false;
    world.onMessage = () => (answer ? JSON.stringify({ event: 'subscribe' }) : undefined);
    // Longer than minUptimeMs (5 s): an open connection whose subscription is never confirmed
    // is a failed attempt however long it stays open.
    const guard = world.guard(client, {
      connectTimeoutMs: 8_000,
      reconnect: { backoff: constantBackoff(1_000) },
      resubscribe: async ({ send, waitFor }) => {
        send(subscribe);
        await waitFor(isAck);
      },
    });
    await server.nextMessage();
    const closed = next(guard, 'close');
    await clock.advance(8_000);
    expect(await closed).toMatchObject({ cause: 'connectTimeout', willReconnect: true });
    expect(guard.breaker.snapshot().counters.failures).toBe(1);
    answer = true;
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('delivers the confirmation and opens once it came', async () => {
    world.onMessage = () => JSON.stringify({ event: 'subscribe' });
    const guard = world.guard(client, {
      classifyMessage: classify,
      resubscribe: async ({ send, waitFor }) => {
        send(subscribe);
        await waitFor(isAck);
      },
    });
    const messages = record(guard, 'message');
    await next(guard, 'open');
    expect(messages).toEqual(['{"event":"subscribe"}']);
  });

  it('replaces the connection, make before break, on a restart notice', async () => {
    const { server } = world;
    world.onMessage = () => JSON.stringify({ event: 'subscribe' });
    const guard = world.guard(client, {
      classifyMessage: classify,
      resubscribe: async ({ send, waitFor }) => {
        send(subscribe);
        await waitFor(isAck);
      },
    });
    await next(guard, 'open');
    const states = record(guard, 'state');
    const rotated = next(guard, 'open');
    server.broadcast(JSON.stringify({ event: 'notice', code: '64008' }));
    expect(await rotated).toMatchObject({ reason: 'rotation' });
    const old = server.connections[0]!;
    if (old.readyState !== old.CLOSED) await new Promise((resolve) => old.once('close', resolve));
    expect(server.attempts).toBe(2);
    expect(server.openConnections).toHaveLength(1);
    expect(states).toEqual([]);
    expect(guard.state).toBe('open');
  });

  it('ends the connection with an error event when classifyMessage throws', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(1_000) },
      classifyMessage: (data) => {
        if (data === 'boom') throw new Error('cannot parse');
        return undefined;
      },
    });
    const errors = record(guard, 'error');
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.broadcast('boom');
    expect(await closed).toMatchObject({ cause: 'callback', willReconnect: true });
    expect(errors).toMatchObject([{ phase: 'message' }]);
    await clock.advance(1_000);
  });

  it('ends the connection when classifyMessage returns garbage', async () => {
    const { server } = world;
    const guard = world.guard(client, {
      classifyMessage: () => ({ action: 'explode' }) as unknown as MessageVerdict,
    });
    const errors = record(guard, 'error');
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.broadcast('anything');
    await closed;
    expect(errors[0]?.phase).toBe('message');
    expect(String(errors[0]?.error)).toContain('classifyMessage must return');
  });
});

describe('waitFor', () => {
  const world = useWorld();

  it('rejects when the connection ends, without an unhandled rejection', async () => {
    // Wrapped: resolving with the promise itself would adopt its state.
    let started!: (value: { waited: Promise<MessageData> }) => void;
    const resubscribing = new Promise<{ waited: Promise<MessageData> }>((resolve) => {
      started = resolve;
    });
    const guard = world.guard(wsClient, {
      resubscribe: ({ waitFor }) => {
        const waited = waitFor(() => false);
        waitFor(() => false); // not awaited: must not be an unhandled rejection
        started({ waited });
        return waited;
      },
    });
    const { waited } = await resubscribing;
    const socket = guard.socket!;
    await guard.close();
    await expect(waited).rejects.toBeDefined();
    expect(listenersOn(socket)).toBe(0);
  });
});

describe.each(clients)("heartbeat ping: 'none' and 'idle' with %s", (client) => {
  const world = useWorld();

  it("'none' keeps a connection that keeps talking, and ends a silent one", async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      heartbeat: { ping: 'none', intervalMs: 10_000, timeoutMs: 5_000 },
      reconnect: { backoff: constantBackoff(1_000) },
    });
    await next(guard, 'open');
    for (let i = 0; i < 3; i++) {
      const got = next(guard, 'message');
      server.broadcast(`tick ${i}`);
      await got;
      await clock.advance(10_000);
    }
    expect(guard.state).toBe('open');
    // Silent from now on: the next tick finds nothing, the deadline after it ends the socket.
    await clock.advance(10_000);
    const closed = next(guard, 'close');
    await clock.advance(5_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', willReconnect: true });
    expect(server.messages.filter((m) => m.data === 'ping')).toEqual([]);
  });

  it("'idle' pings only a connection that has been quiet", async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      heartbeat: {
        ping: 'idle',
        intervalMs: 10_000,
        timeoutMs: 5_000,
        message: 'ping',
        isPong: (data) => data === 'pong',
      },
    });
    await next(guard, 'open');
    for (let i = 0; i < 3; i++) {
      const got = next(guard, 'message');
      server.broadcast(`tick ${i}`);
      await got;
      await clock.advance(10_000);
    }
    expect(server.messages.filter((m) => m.data === 'ping')).toEqual([]);
    const ping = server.nextMessage((m) => m.data === 'ping');
    await clock.advance(10_000);
    await ping;
    // The pong is not delivered; a message sent after it arrives after it.
    const after = next(guard, 'message');
    server.broadcast('after');
    await after;
    await clock.advance(5_000);
    expect(guard.state).toBe('open');
  });
});

describe("a server's protocol pings (ws)", () => {
  const world = useWorld();

  it("count as signs of life for ping: 'none'", async () => {
    const { server, clock } = world;
    const guard = world.guard(wsClient, {
      heartbeat: { ping: 'none', intervalMs: 10_000, timeoutMs: 5_000 },
    });
    const closes = record(guard, 'close');
    await next(guard, 'open');
    const connection = await (server.connections[0]
      ? Promise.resolve(server.connections[0])
      : server.nextConnection());
    for (let i = 0; i < 4; i++) {
      const ponged = new Promise((resolve) => connection.once('pong', resolve));
      connection.ping();
      await ponged;
      await clock.advance(10_000);
    }
    expect(closes).toEqual([]);
    expect(guard.state).toBe('open');
  });
});
