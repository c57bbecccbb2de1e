import {
  BreakerRegistry,
  type BreakerState,
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
  type Permit,
  success,
} from '@breakwater/core';
import type { RedisStore } from '@breakwater/redis';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectedStore, deleteKeys, inspector, nextEvent, randomPrefix } from './helpers.ts';

const name = 'https://api.kraken.com';
let redis: Redis;
let prefix: string;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await inspector();
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  await deleteKeys(redis, prefix);
});

/** One simulated process: its own clock, store (two connections) and breaker. */
async function process_(clock = new ManualClock(), recoveryMs = 1_000) {
  prefix ??= randomPrefix();
  const store = await connectedStore({ prefix, clock });
  const breaker = new CircuitBreaker({
    name,
    clock,
    store,
    openMs: recoveryMs,
    strategy: { type: 'consecutive', failureCount: 1 },
  });
  await breaker.ready;
  cleanup.push(
    () => store.dispose(),
    () => breaker.dispose(),
  );
  return { clock, store, breaker };
}

function nextState(breaker: CircuitBreaker, to: BreakerState): Promise<void> {
  return new Promise((resolve) => {
    const off = breaker.on('stateChange', (event) => {
      if (event.to !== to) return;
      off();
      resolve();
    });
  });
}

/**
 * Asks every breaker for a permit until one is granted, then `afterTurns` more times; each turn
 * waits for a Redis round trip, so the stores' claims are answered in between. Returns the
 * permits granted (held, unsettled).
 */
async function hammer(breakers: readonly CircuitBreaker[], afterTurns: number) {
  const granted: Permit[] = [];
  let left = afterTurns;
  for (let turn = 0; turn < 1_000 && left > 0; turn++) {
    for (const breaker of breakers) {
      const permit = breaker.tryAcquire();
      if (!isBreakerOpenError(permit)) granted.push(permit);
    }
    if (granted.length > 0) left--;
    await redis.ping();
  }
  return granted;
}

/** The state a store wrote under the breaker's key, as Redis holds it. */
async function stored(store: RedisStore): Promise<Record<string, unknown>> {
  return JSON.parse((await redis.get(store.keysOf(name).state)) ?? 'null');
}

describe('RedisStore between processes', () => {
  it('applies an open made by another process, for the same remaining time', async () => {
    prefix = randomPrefix();
    const a = await process_();
    const b = await process_();
    const applied = nextState(b.breaker, 'open');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await applied;

    expect(b.breaker.state).toBe('open');
    const rejection = b.breaker.tryAcquire();
    expect(isBreakerOpenError(rejection)).toBe(true);
    // Remaining open time crosses hosts as a duration: at most the transit time is lost.
    expect((rejection as { retryAfterMs?: number }).retryAfterMs).toBeLessThanOrEqual(1_000);
    expect((rejection as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(900);
  });

  it('keeps shared open periods exact whatever the hosts clocks say', async () => {
    prefix = randomPrefix();
    // Host B's wall clock runs two hours ahead of A's.
    const a = await process_(new ManualClock({ startMs: 1_767_225_600_000 }), 30_000);
    const b = await process_(new ManualClock({ startMs: 1_767_225_600_000 + 7_200_000 }), 30_000);
    const applied = nextState(b.breaker, 'open');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await applied;

    const remainingOnB = b.breaker.toJSON().openUntil! - b.clock.now();
    expect(remainingOnB).toBeGreaterThan(29_900);
    expect(remainingOnB).toBeLessThanOrEqual(30_000);
    await b.clock.advance(29_999);
    expect(isBreakerOpenError(b.breaker.tryAcquire())).toBe(true);
  });

  it('lets one process probe, and closes every process when the probe succeeds', async () => {
    prefix = randomPrefix();
    const a = await process_();
    const b = await process_();
    const opened = nextState(b.breaker, 'open');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await opened;
    await a.clock.advance(1_000);
    await b.clock.advance(1_000);

    // Both ask; the store answers asynchronously, the breakers stay open meanwhile.
    expect(isBreakerOpenError(a.breaker.tryAcquire())).toBe(true);
    expect(isBreakerOpenError(b.breaker.tryAcquire())).toBe(true);
    const probes = await hammer([a.breaker, b.breaker], 50);
    expect(probes).toHaveLength(1);

    const closedEverywhere = Promise.all([
      nextState(a.breaker, 'closed'),
      nextState(b.breaker, 'closed'),
    ]);
    probes[0]!.settle(success());
    await closedEverywhere;
    expect(await stored(a.store)).toMatchObject({ s: 'closed' });
  });

  it('never hands a breaker its own transition back, which would end its probe', async () => {
    prefix = randomPrefix();
    const a = await process_();
    const b = await process_();
    const opened = nextState(b.breaker, 'open');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await opened;
    await a.clock.advance(1_000);
    const [probe] = await hammer([a.breaker], 1);
    expect(a.breaker.state).toBe('half_open');
    let record = await stored(a.store);
    while (record.s !== 'half_open') record = await stored(a.store);
    // A's half-open as the channel carries it, arriving again before Redis' reply would; the
    // foreign message after it tells when A has read both.
    const id = /\{([0-9a-f]{32})\}/.exec(a.store.keysOf(name).state)![1];
    const channel = `${prefix}transitions`;
    const readBoth = nextEvent(a.store, 'invalidData');
    await redis.publish(channel, JSON.stringify({ ...record, v: (record.v as number) + 1, n: id }));
    await redis.publish(channel, 'marker');
    await readBoth;
    expect(a.breaker.state).toBe('half_open');
    const closed = nextState(b.breaker, 'closed');
    probe!.settle(success());
    await closed;
    expect(a.breaker.state).toBe('closed');
  });

  it('stores times on the Redis clock and never the breaker name', async () => {
    prefix = randomPrefix();
    const a = await process_(new ManualClock({ startMs: 1_000 }));
    const b = await process_();
    const applied = nextState(b.breaker, 'open');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await applied;
    const record = await stored(a.store);
    const [seconds] = await redis.time();
    const redisNow = Number(seconds) * 1000;
    expect(record).toMatchObject({ f: 'bw1', s: 'open', v: 1, ra: 0 });
    expect(Math.abs((record.t as number) - redisNow)).toBeLessThan(5_000);
    expect(record.ou as number).toBeGreaterThan(record.t as number);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.join()).not.toContain('kraken');
    expect(JSON.stringify(record)).not.toContain('kraken');
    expect(await redis.pttl(a.store.keysOf(name).state)).toBeGreaterThan(86_000_000);
  });
});

describe('the README setup', () => {
  it('shares a registry breaker between two processes', async () => {
    prefix = randomPrefix();
    const clock = new ManualClock();
    const [storeA, storeB] = [
      await connectedStore({ prefix, clock }),
      await connectedStore({ prefix, clock }),
    ];
    const defaults = {
      clock,
      openMs: 30_000,
      strategy: { type: 'consecutive' as const, failureCount: 1 },
    };
    const a = new BreakerRegistry({ defaults: { ...defaults, store: storeA } });
    const b = new BreakerRegistry({ defaults: { ...defaults, store: storeB } });
    cleanup.push(
      () => storeA.dispose(),
      () => storeB.dispose(),
      () => a.dispose(),
      () => b.dispose(),
    );
    const krakenB = b.get(name);
    await krakenB.ready;
    const opened = nextState(krakenB, 'open');
    a.get(name)
      .acquire()
      .settle({ kind: 'error', error: new Error('down') });
    await opened;
    await expect(krakenB.execute(() => Promise.resolve(1))).rejects.toThrow(/is open/);
  });
});
