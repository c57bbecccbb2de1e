import { constantBackoff } from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import { clients, next, record, useWorld } from './helpers.ts';

describe.each(clients)('reconnecting with %s', (client) => {
  const world = useWorld();

  it('connects, delivers messages and sends', async () => {
    const { server } = world;
    const guard = world.guard(client);
    const connection = server.nextConnection();
    await next(guard, 'open');
    expect(guard.state).toBe('open');
    const serverSide = await connection;
    const message = next(guard, 'message');
    serverSide.send('hello');
    expect(await message).toBe('hello');
    const received = server.nextMessage();
    expect(guard.send('order')).toBe(true);
    expect((await received).data).toBe('order');
  });

  it('reconnects after a drop, after the backoff delay on the clock', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, { reconnect: { backoff: constantBackoff(2_000) } });
    await next(guard, 'open');
    const closed = next(guard, 'close');
    const reconnecting = next(guard, 'reconnecting');
    server.dropAll();
    expect(await closed).toMatchObject({ code: 1006, kind: 'transient', willReconnect: true });
    expect(await reconnecting).toMatchObject({ delayMs: 2_000, cause: 'backoff', attempt: 1 });
    expect(guard.state).toBe('reconnecting');
    await clock.advance(1_999);
    expect(server.attempts).toBe(1);
    const opened = next(guard, 'open');
    await clock.advance(1);
    expect(await opened).toEqual({ name: guard.name, reason: 'reconnect' });
    expect(server.attempts).toBe(2);
  });

  it('reports a custom backoff that returns NaN and waits the default delay instead', async () => {
    const { server, clock } = world;
    const reported: Array<[unknown, string]> = [];
    const guard = world.guard(client, {
      reconnect: { backoff: { delayMs: () => Number.NaN, describe: () => 'broken' } },
      onListenerError: (error, source) => reported.push([error, source]),
    });
    await next(guard, 'open');
    const reconnecting = next(guard, 'reconnecting');
    server.dropAll();
    const { delayMs } = await reconnecting;
    // The default backoff's first delay: 250–500 ms ('equal' jitter), never NaN (at once).
    expect(delayMs).toBeGreaterThanOrEqual(250);
    expect(delayMs).toBeLessThanOrEqual(500);
    expect(reported.map(([, source]) => source)).toEqual(['reconnect.backoff']);
    await clock.advance(delayMs - 1);
    expect(server.attempts).toBe(1);
  });

  it('counts a connection that dies within minUptimeMs as a failure, and opens the breaker', async () => {
    const { server, clock } = world;
    server.killAfterOpen();
    const guard = world.guard(client, {
      minUptimeMs: 5_000,
      reconnect: { backoff: constantBackoff(100) },
      breaker: { strategy: { type: 'consecutive', failureCount: 3 }, openMs: 60_000 },
    });
    const failures = record(guard, 'close');
    const waits = record(guard, 'reconnecting');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await next(guard, 'close');
      await clock.advance(100);
    }
    expect(failures.every((close) => close.uptimeMs !== undefined)).toBe(true);
    expect(guard.breaker.state).toBe('open');
    expect(guard.breaker.snapshot().counters.failuresByCategory).toMatchObject({
      network: 3,
      unknown: 0,
    });
    await clock.advance(58_900);
    expect(server.attempts).toBe(3);
    expect(waits.map((wait) => wait.cause)).toEqual([
      'backoff',
      'backoff',
      'backoff',
      'breakerOpen',
    ]);
    expect(waits[3]?.delayMs).toBe(59_900);
    server.heal();
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(4);
    expect(guard.breaker.state).toBe('half_open');
    await clock.advance(5_000);
    expect(guard.breaker.state).toBe('closed');
  });

  it('settles a connection that lives minUptimeMs as a success and resets the backoff', async () => {
    const { server, clock } = world;
    const delays = [1_000, 2_000, 4_000];
    const guard = world.guard(client, {
      minUptimeMs: 5_000,
      reconnect: {
        backoff: { delayMs: (attempt) => delays[attempt] ?? 8_000, describe: () => '' },
      },
    });
    const waits = record(guard, 'reconnecting');
    await next(guard, 'open');
    server.dropAll();
    await next(guard, 'reconnecting');
    let opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    server.dropAll();
    await next(guard, 'reconnecting');
    opened = next(guard, 'open');
    await clock.advance(2_000);
    await opened;
    await clock.advance(5_000);
    server.dropAll();
    await next(guard, 'reconnecting');
    expect(waits.map((wait) => wait.delayMs)).toEqual([1_000, 2_000, 1_000]);
    expect(guard.breaker.snapshot().counters).toMatchObject({ successes: 1, failures: 2 });
  });

  it('makes no attempt while the breaker is open after refused upgrades', async () => {
    const { server, clock } = world;
    server.refuseUpgrades(503);
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(500) },
      breaker: { strategy: { type: 'consecutive', failureCount: 2 }, openMs: 30_000 },
    });
    const closes = record(guard, 'close');
    await next(guard, 'close');
    await clock.advance(500);
    await next(guard, 'close');
    expect(guard.breaker.state).toBe('open');
    await clock.advance(29_000);
    expect(server.attempts).toBe(2);
    expect(closes.map((close) => close.uptimeMs)).toEqual([undefined, undefined]);
    if (client.isWs) expect(closes.map((close) => close.status)).toEqual([503, 503]);
    // The standard WebSocket reports a refused upgrade as a bare `error` event and a 1006 close.
    else expect(guard.breaker.snapshot().counters.failuresByCategory.network).toBe(2);
    server.heal();
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(3);
  });

  it('bounds connection attempts with maxConnectsPerWindow', async () => {
    const { server, clock } = world;
    server.killAfterOpen();
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(0) },
      breaker: { strategy: { type: 'consecutive', failureCount: 1_000 } },
      maxConnectsPerWindow: { limit: 4, windowMs: 60_000 },
    });
    // Half the limit as a burst, the other half spread over the window: 2 now, 1 per 30 s.
    const limited = () => next(guard, 'reconnecting', (wait) => wait.cause === 'rateLimited');
    await next(guard, 'close');
    await clock.advance(0);
    await next(guard, 'close');
    let wait = limited();
    await clock.advance(0);
    expect((await wait).delayMs).toBe(30_000);
    expect(server.attempts).toBe(2);
    await clock.advance(29_999);
    expect(server.attempts).toBe(2);
    const closed = next(guard, 'close');
    await clock.advance(1);
    await closed;
    wait = limited();
    await clock.advance(0);
    expect((await wait).delayMs).toBe(30_000);
    expect(server.attempts).toBe(3);
  });

  it('lets a burst of drops make five attempts, then one probe per recovery (defaults)', async () => {
    const { server, clock } = world;
    server.killAfterOpen();
    const guard = world.guard(client);
    const causes: string[] = [];
    let wait = next(guard, 'reconnecting');
    for (;;) {
      const { cause, delayMs } = await wait;
      causes.push(cause);
      wait = next(guard, 'reconnecting');
      if (cause === 'breakerOpen') break;
      expect(delayMs).toBeLessThanOrEqual(8_000);
      await clock.advance(delayMs);
    }
    expect(causes).toEqual(['backoff', 'backoff', 'backoff', 'backoff', 'backoff', 'breakerOpen']);
    expect(server.attempts).toBe(5);
    expect(guard.breaker.state).toBe('open');
    const probe = next(guard, 'close');
    await clock.advance(11_000);
    await probe;
    expect(server.attempts).toBe(6);
    expect(guard.breaker.state).toBe('open');
    await clock.advance(15_000);
    expect(server.attempts).toBe(6);
  });
});
