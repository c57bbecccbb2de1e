import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { CircuitBreaker, constantBackoff, failure, onStatus, TimeoutError } from '@breakwater/core';
import { guardWebSocket, type WebSocketFactory } from '@breakwater/ws';
import { describe, expect, it } from 'vitest';
import WsWebSocket from 'ws';
import { clients, listenersOn, next, record, until, useWorld, wsClient } from './helpers.ts';

describe.each(clients)('the lifecycle with %s', (client) => {
  const world = useWorld();

  it('close() leaves no timer and no listener on the raw socket', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      heartbeat: { intervalMs: 10_000, message: 'ping', isPong: (data) => data === 'pong' },
      rotation: { maxLifetimeMs: 3_600_000 },
    });
    await next(guard, 'open');
    const socket = guard.socket!;
    expect(listenersOn(socket)).toBeGreaterThan(0);
    expect(clock.pendingTimers).toBeGreaterThan(0);
    const states = record(guard, 'state');
    const closes = record(guard, 'close');
    const serverSide = server.connections[0]!;
    const serverSawClose = once(serverSide, 'close');
    await guard.close(1000, 'bye');
    expect(clock.pendingTimers).toBe(0);
    expect(listenersOn(socket)).toBe(0);
    expect(socket.readyState).toBe(3);
    expect(guard.state).toBe('closed');
    expect(states).toEqual([{ name: guard.name, from: 'open', to: 'closed' }]);
    expect(closes).toMatchObject([{ cause: 'closed', code: 1000, willReconnect: false }]);
    const [code, reason] = await serverSawClose;
    expect([code, String(reason)]).toEqual([1000, 'bye']);
  });

  it('close() while waiting to reconnect clears the wait', async () => {
    const { server, clock } = world;
    server.refuseUpgrades(503);
    const guard = world.guard(client);
    await next(guard, 'reconnecting');
    expect(clock.pendingTimers).toBe(1);
    await guard.close();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(600_000);
    expect(server.attempts).toBe(1);
  });

  it('halts when the breaker is forced open, and resumes when it is reset', async () => {
    const { server } = world;
    const breaker = new CircuitBreaker({ name: 'feed', clock: world.clock });
    const guard = world.guard(client, { breaker });
    await next(guard, 'open');
    const closed = next(guard, 'close');
    breaker.forceOpen();
    expect(guard.state).toBe('halted');
    expect(await closed).toMatchObject({ cause: 'halted', willReconnect: false });
    const opened = next(guard, 'open');
    breaker.reset();
    await opened;
    expect(server.attempts).toBe(2);
    await guard.close();
    expect(breaker.state).toBe('closed');
  });

  it('accepts an async factory', async () => {
    const { server } = world;
    const guard = world.guard(
      { ...client, connect: (url) => async (context) => client.connect(url)(context) },
      { name: 'async' },
    );
    await next(guard, 'open');
    expect(server.attempts).toBe(1);
    expect(guard.name).toBe('async');
  });
});

describe('an async factory that hangs', () => {
  const world = useWorld();

  /** A factory that waits for `release()` before making its socket, and the signals it got. */
  function hanging(url: string) {
    const signals: AbortSignal[] = [];
    const sockets: WsWebSocket[] = [];
    let release = () => {};
    const factory: WebSocketFactory<WsWebSocket> = ({ signal }) => {
      signals.push(signal);
      return new Promise((resolve) => {
        release = () => {
          const socket = new WsWebSocket(url);
          sockets.push(socket);
          resolve(socket);
        };
      });
    };
    return { factory, signals, sockets, release: () => release() };
  }

  it('does not keep close() waiting, and aborts its signal', async () => {
    const { server, clock } = world;
    const { factory, signals } = hanging(server.url);
    const guard = world.guard({ ...wsClient, connect: () => factory });
    await clock.advance(0);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
    await guard.close();
    expect(signals[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    expect(server.attempts).toBe(0);
  });

  it('closes the socket it yields after close()', async () => {
    const { server, clock } = world;
    const { factory, sockets, release } = hanging(server.url);
    const guard = world.guard({ ...wsClient, connect: () => factory });
    await clock.advance(0);
    await guard.close();
    release();
    await clock.advance(0);
    const socket = sockets[0]!;
    // Not once(): it rejects on the `error` ws emits for a handshake cut short.
    if (socket.readyState !== WsWebSocket.CLOSED) {
      await new Promise((resolve) => socket.once('close', resolve));
    }
    expect(listenersOn(socket)).toBe(0);
    expect(guard.state).toBe('closed');
  });

  it('aborts its signal with a TimeoutError at connectTimeoutMs, and tries again', async () => {
    const { server, clock } = world;
    const { factory, signals, release } = hanging(server.url);
    const guard = world.guard(
      { ...wsClient, connect: () => factory },
      { connectTimeoutMs: 3_000, reconnect: { backoff: constantBackoff(1_000) } },
    );
    const closed = next(guard, 'close');
    await clock.advance(3_000);
    expect(await closed).toMatchObject({ cause: 'connectTimeout', willReconnect: true });
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(TimeoutError);
    await clock.advance(1_000);
    expect(signals).toHaveLength(2);
    expect(signals[1]!.aborted).toBe(false);
    const opened = next(guard, 'open');
    release();
    await opened;
    expect(server.attempts).toBe(1);
  });
});

describe('connect timeout', () => {
  const world = useWorld();

  it('fails an attempt that does not open within connectTimeoutMs as a timeout', async () => {
    const { clock } = world;
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const guard = world.guard(
        { ...wsClient, connect: () => () => new WsWebSocket(`ws://127.0.0.1:${port}/`) },
        { connectTimeoutMs: 3_000, reconnect: { backoff: constantBackoff(1_000) } },
      );
      const failures = record(guard, 'close');
      await once(silent, 'connection');
      await clock.advance(3_000);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ cause: 'connectTimeout', uptimeMs: undefined });
      expect(failures[0]?.error).toBeInstanceOf(TimeoutError);
      expect(guard.breaker.snapshot().counters).toMatchObject({ failures: 1, timeouts: 1 });
      await guard.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe('refused upgrades with the ws package', () => {
  const world = useWorld();

  it('opens the breaker for the Retry-After of a 429', async () => {
    const { server, clock } = world;
    server.refuseUpgrades(429, { headers: { 'Retry-After': '120' }, times: 1 });
    const guard = world.guard(wsClient, { reconnect: { backoff: constantBackoff(1_000) } });
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ status: 429, kind: 'transient', willReconnect: true });
    expect(guard.breaker.state).toBe('open');
    await clock.advance(119_000);
    expect(server.attempts).toBe(1);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('halts on a 401 without counting it against the breaker', async () => {
    const { server, clock } = world;
    server.refuseUpgrades(401);
    const guard = world.guard(wsClient);
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ status: 401, kind: 'auth', willReconnect: false });
    expect(guard.state).toBe('halted');
    expect(guard.breaker.state).toBe('closed');
    await clock.advance(600_000);
    expect(server.attempts).toBe(1);
  });

  it.each([400, 404, 410, 426])(
    'halts on a %i, which retrying would not change, and says so in the close event',
    async (status) => {
      const { server, clock } = world;
      server.refuseUpgrades(status);
      const guard = world.guard(wsClient, { reconnect: { backoff: constantBackoff(1_000) } });
      const states = record(guard, 'state');
      const closed = await next(guard, 'close');
      expect(closed).toMatchObject({ status, kind: 'refused', willReconnect: false });
      expect(String(closed.error)).toContain(String(status));
      expect(guard.state).toBe('halted');
      expect(states.at(-1)).toMatchObject({ to: 'halted' });
      // Wall-clock steps (NTP, a VM resume) wake nothing: the guard waits on no timer.
      clock.setNow(Date.UTC(2000, 0, 1));
      clock.setNow(Date.UTC(2100, 0, 1));
      await clock.advance(3_600_000);
      expect(server.attempts).toBe(1);
      expect(clock.pendingTimers).toBe(0);
      expect(guard.breaker.snapshot().counters).toMatchObject({ failures: 0, ignored: 1 });
      server.heal();
      const opened = next(guard, 'open');
      guard.reconnect();
      await opened;
      expect(server.attempts).toBe(2);
    },
  );

  it('halts every one of many guards sharing a breaker on a 404, leaving no timer', async () => {
    const { server, clock } = world;
    server.refuseUpgrades(404);
    const breaker = new CircuitBreaker({ name: 'shared', clock });
    const guards = Array.from({ length: 200 }, () =>
      world.guard(wsClient, { breaker, maxConnectsPerWindow: false }),
    );
    await Promise.all(guards.map((guard) => until(guard, 'state', () => guard.state === 'halted')));
    await clock.advance(600_000);
    expect(server.attempts).toBe(200);
    expect(clock.pendingTimers).toBe(0);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().counters).toMatchObject({ failures: 0, ignored: 200 });
    await Promise.all(guards.map((guard) => guard.close()));
    breaker.dispose();
  });

  it.each([
    [408, 'timeout'],
    [418, 'rate_limit'],
    [429, 'rate_limit'],
  ])('retries a %i: it is not permanent', async (status, category) => {
    const { server, clock } = world;
    server.refuseUpgrades(status, { times: 1 });
    const guard = world.guard(wsClient, { reconnect: { backoff: constantBackoff(1_000) } });
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ status, kind: 'transient', willReconnect: true });
    expect(guard.breaker.snapshot().counters.failuresByCategory).toMatchObject({ [category]: 1 });
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it("follows the breaker's classifier: a 404 counted as a failure is retried", async () => {
    const { server, clock } = world;
    server.refuseUpgrades(404, { times: 1 });
    const guard = world.guard(wsClient, {
      reconnect: { backoff: constantBackoff(1_000) },
      breaker: { classify: onStatus(404, failure('server')) },
    });
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ status: 404, kind: 'transient', willReconnect: true });
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
  });

  it.each([200, 301])(
    'halts on a %i (no upgrade, no redirect followed) and counts no success',
    async (status) => {
      const { server, clock } = world;
      server.refuseUpgrades(status, { headers: { Location: 'wss://elsewhere.test/' } });
      const guard = world.guard(wsClient, { reconnect: { backoff: constantBackoff(1_000) } });
      const closed = await next(guard, 'close');
      expect(closed).toMatchObject({ status, kind: 'refused', willReconnect: false });
      expect(guard.breaker.snapshot().counters).toMatchObject({ successes: 0, released: 1 });
      await clock.advance(600_000);
      expect(server.attempts).toBe(1);
    },
  );
});

describe('guardWebSocket with a URL', () => {
  const world = useWorld();

  it("uses the global WebSocket and names the guard by the URL's origin and path", async () => {
    const { server, clock } = world;
    const guard = guardWebSocket(`${server.url}feed?token=secret`, { clock, heartbeat: false });
    expect(guard.name).toBe(`${server.url}feed?[redacted]`);
    await next(guard, 'open');
    expect(guard.socket).toBeInstanceOf(WebSocket);
    expect(guard.socket?.binaryType).toBe('arraybuffer');
    await guard.close();
  });
});
