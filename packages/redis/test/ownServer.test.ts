import {
  type BreakerEvents,
  type BreakerState,
  CircuitBreaker,
  ManualClock,
} from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectedStore,
  freePort,
  inspector,
  nextEvent,
  RedisServer,
  randomPrefix,
  template,
} from './helpers.ts';

// Tests that count commands, flush scripts or restart the server need a server of their own.
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = await inspector(server.port);
});
afterAll(async () => {
  redis.disconnect();
  await server.kill();
});

function nextState(breaker: CircuitBreaker, to: BreakerState): Promise<unknown> {
  return new Promise((resolve) => {
    const off = breaker.on('stateChange', (event) => {
      if (event.to === to) resolve(off());
    });
  });
}

async function scriptCalls(): Promise<{ eval: number; evalsha: number }> {
  const text = await redis.info('commandstats');
  const calls = (command: string) =>
    Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
  return { eval: calls('eval'), evalsha: calls('evalsha') };
}

describe('Lua scripts', () => {
  it('are sent once, called by SHA, and sent again after the server forgot them', async () => {
    const prefix = randomPrefix();
    await redis.config('RESETSTAT');
    const clock = new ManualClock();
    const stores = [
      await connectedStore({ prefix, clock, port: server.port }),
      await connectedStore({ prefix, clock, port: server.port }),
    ];
    const [a, b] = stores.map(
      (store) =>
        new CircuitBreaker({
          name: 'api',
          clock,
          store,
          strategy: { type: 'consecutive', failureCount: 1 },
        }),
    ) as [CircuitBreaker, CircuitBreaker];
    await Promise.all([a.ready, b.ready]);
    const opened = nextState(b, 'open');
    a.acquire().settle({ kind: 'error', error: new Error('down') });
    await opened;
    const warm = await scriptCalls();
    expect(warm.eval).toBeGreaterThanOrEqual(1);

    // Warm: a transition sends the scripts by SHA only.
    const closed = nextState(b, 'closed');
    a.reset();
    await closed;
    const after = await scriptCalls();
    expect(after.eval).toBe(warm.eval);
    expect(after.evalsha).toBeGreaterThan(warm.evalsha);

    // Forgotten (a restart, a failover, SCRIPT FLUSH): NOSCRIPT, then sent once more.
    await redis.script('FLUSH');
    const reopened = nextState(b, 'open');
    a.acquire().settle({ kind: 'error', error: new Error('down again') });
    await reopened;
    expect((await scriptCalls()).eval).toBe(after.eval + 1);

    a.dispose();
    b.dispose();
    await Promise.all(stores.map((store) => store.dispose()));
  });
});

describe('ten thousand breakers on one store', () => {
  it('load, reconcile after a restart and let go of their subscriptions', async () => {
    const prefix = randomPrefix();
    const clock = new ManualClock();
    const store = await connectedStore({ prefix, clock, port: server.port });
    const breakers = Array.from(
      { length: 10_000 },
      (_, i) =>
        new CircuitBreaker({
          name: `https://api-${i}.example`,
          clock,
          store,
          strategy: { type: 'consecutive', failureCount: 1 },
        }),
    );
    await Promise.all(breakers.map((breaker) => breaker.ready));
    const storeErrors: BreakerEvents['storeError'][] = [];
    for (const breaker of breakers) breaker.on('storeError', (event) => storeErrors.push(event));

    const lost = nextEvent(store, 'connection', (e) => e.status === 'lost');
    await server.kill();
    await lost;
    breakers[1234]!.acquire().settle({ kind: 'error', error: new Error('down') });
    const reconciled = nextEvent(store, 'reconciled');
    await server.restart();
    expect(await reconciled).toEqual({ breakers: 10_000 });
    const other = await connectedStore({ prefix, clock, port: server.port });
    const late = new CircuitBreaker({ name: 'https://api-1234.example', clock, store: other });
    await late.ready;
    expect(late.state).toBe('open');
    expect(storeErrors.map((e) => e.operation)).toEqual(['save']);

    for (const breaker of breakers) breaker.dispose();
    late.dispose();
    await Promise.all([store.dispose(), other.dispose()]);
  }, 60_000);
});

describe('a Redis that is not there', () => {
  it('lets breakers start and work, reporting the failed load', async () => {
    const port = await freePort();
    const store = new RedisStore({
      client: template(port),
      prefix: randomPrefix(),
      commandTimeoutMs: 50,
    });
    const errors: string[] = [];
    store.on('error', (event) => errors.push(event.operation));
    const breaker = new CircuitBreaker({ name: 'api', store });
    const storeErrors: BreakerEvents['storeError'][] = [];
    breaker.on('storeError', (event) => storeErrors.push(event));
    await breaker.ready;

    expect(storeErrors.map((e) => e.operation)).toEqual(['load']);
    expect(storeErrors[0]!.error.message).toBe('Redis is not connected (waited 50 ms).');
    expect(errors).toContain('connection');
    await expect(breaker.execute(() => Promise.resolve(42))).resolves.toBe(42);
    breaker.dispose();
    await store.dispose();
  });
});
