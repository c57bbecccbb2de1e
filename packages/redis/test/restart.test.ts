import {
  type BreakerEvents,
  type BreakerState,
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
} from '@breakwater/core';
import type { RedisStore } from '@breakwater/redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectedStore, nextEvent, RedisServer, randomPrefix } from './helpers.ts';

const name = 'wss://ws.kraken.com';
let server: RedisServer;
const cleanup: (() => unknown)[] = [];

beforeEach(async () => {
  server = await RedisServer.start();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  await server.kill();
});

async function member(prefix: string) {
  const clock = new ManualClock();
  const store = await connectedStore({ prefix, clock, port: server.port });
  const breaker = new CircuitBreaker({
    name,
    clock,
    store,
    openMs: 5_000,
    strategy: { type: 'consecutive', failureCount: 1 },
  });
  await breaker.ready;
  const storeErrors: BreakerEvents['storeError'][] = [];
  breaker.on('storeError', (event) => storeErrors.push(event));
  cleanup.push(
    () => store.dispose(),
    () => breaker.dispose(),
  );
  return { clock, store, breaker, storeErrors };
}

function nextState(breaker: CircuitBreaker, to: BreakerState): Promise<unknown> {
  return new Promise((resolve) => {
    const off = breaker.on('stateChange', (event) => {
      if (event.to === to) resolve(off());
    });
  });
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Runs `count` calls and checks that each one settles before the event loop turns. */
async function callsSettleAtOnce(breaker: CircuitBreaker, count: number, fail = false) {
  let settled = 0;
  for (let i = 0; i < count; i++) {
    let done = false;
    breaker
      .execute(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve(i)))
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        done = true;
      });
    await turn();
    if (done) settled++;
  }
  return settled;
}

async function lost(store: RedisStore): Promise<void> {
  await nextEvent(store, 'connection', (e) => e.connection === 'commands' && e.status === 'lost');
}

describe('a Redis that is killed and restarted', () => {
  it('never makes a call wait or fail, and shares what happened once it is back', async () => {
    const prefix = randomPrefix();
    const a = await member(prefix);
    const b = await member(prefix);
    const down = Promise.all([lost(a.store), lost(b.store)]);
    await server.kill();
    await down;

    expect(await callsSettleAtOnce(a.breaker, 200)).toBe(200);
    expect(await callsSettleAtOnce(b.breaker, 200)).toBe(200);
    // A opens alone: Redis cannot carry it, and says so through storeError.
    a.breaker.acquire().settle({ kind: 'error', error: new Error('exchange down') });
    expect(a.breaker.state).toBe('open');
    await turn();
    expect(a.storeErrors.map((e) => e.operation)).toEqual(['save']);
    expect(isBreakerOpenError(a.breaker.tryAcquire())).toBe(true);
    expect(b.breaker.state).toBe('closed');

    const reconciled = Promise.all([
      nextEvent(a.store, 'reconciled'),
      nextEvent(b.store, 'reconciled'),
    ]);
    const bOpens = nextState(b.breaker, 'open');
    const restartedAt = performance.now();
    await server.restart();
    await reconciled;
    await bOpens;
    const backWithinMs = performance.now() - restartedAt;

    expect(b.breaker.state).toBe('open');
    // The reconnect backoff is capped at 500 ms: back in well under the ioredis default.
    expect(backWithinMs).toBeLessThan(3_000);
  });

  it('decides probes locally while Redis is down', async () => {
    const prefix = randomPrefix();
    const a = await member(prefix);
    const b = await member(prefix);
    const bOpens = nextState(b.breaker, 'open');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('exchange down') });
    await bOpens;
    const down = Promise.all([lost(a.store), lost(b.store)]);
    await server.kill();
    await down;
    await a.clock.advance(5_000);
    await b.clock.advance(5_000);

    // Without Redis there is no fleet lease: each process probes for itself, at once.
    expect(isBreakerOpenError(a.breaker.tryAcquire())).toBe(false);
    expect(isBreakerOpenError(b.breaker.tryAcquire())).toBe(false);
  });

  it('writes the fleet state back into a Redis that lost it, for processes started later', async () => {
    const prefix = randomPrefix();
    const a = await member(prefix);
    a.breaker.acquire().settle({ kind: 'error', error: new Error('exchange down') });
    const b = await member(prefix);
    expect(b.breaker.state).toBe('open');
    const down = Promise.all([lost(a.store), lost(b.store)]);
    await server.kill();
    await down;
    const reconciled = Promise.all([
      nextEvent(a.store, 'reconciled'),
      nextEvent(b.store, 'reconciled'),
    ]);
    await server.restart();
    await reconciled;

    const late = await member(prefix);
    expect(late.breaker.state).toBe('open');
    const rejection = late.breaker.tryAcquire();
    expect(isBreakerOpenError(rejection)).toBe(true);
  });
});

describe('wall-clock steps while Redis is away', () => {
  it('share the open period a process chose, however its wall clock moved meanwhile', async () => {
    const prefix = randomPrefix();
    const a = await member(prefix);
    const b = await member(prefix);
    const down = Promise.all([lost(a.store), lost(b.store)]);
    await server.kill();
    await down;
    a.breaker.acquire().settle({ kind: 'error', error: new Error('exchange down') });
    // NTP steps A's wall clock an hour back, then forward two hours.
    a.clock.setNow(a.clock.now() - 3_600_000);
    await a.clock.advance(1_000);
    a.clock.setNow(a.clock.now() + 7_200_000);

    const bOpens = nextState(b.breaker, 'open');
    await server.restart();
    await bOpens;
    const rejection = b.breaker.tryAcquire();
    expect(isBreakerOpenError(rejection)).toBe(true);
    // 5 s recovery, 1 s of it spent before Redis came back.
    const retryAfterMs = (rejection as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(3_900);
    expect(retryAfterMs).toBeLessThanOrEqual(4_000);
  });
});
