import {
  type BreakerState,
  CircuitBreaker,
  type DurableState,
  isBreakerOpenError,
  ManualClock,
} from '@breakwater/core';
import type { ConflictEvent, InvalidDataEvent, RedisStore } from '@breakwater/redis';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectedStore, deleteKeys, inspector, nextEvent, randomPrefix } from './helpers.ts';

const name = 'https://api.coinbase.com';
const clock = new ManualClock();
let redis: Redis;
let prefix: string;
let store: RedisStore;
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

async function freshStore(): Promise<RedisStore> {
  prefix = randomPrefix();
  store = await connectedStore({ prefix, clock });
  cleanup.push(() => store.dispose());
  return store;
}

function state(s: BreakerState, version: number, openForMs = 0): DurableState {
  return {
    state: s,
    version,
    openedAt: s === 'open' ? clock.now() : 0,
    openUntil: s === 'open' ? clock.now() + openForMs : 0,
    recoveryAttempt: 0,
  };
}

/** What another process wrote without this one hearing of it (a partition): no publish. */
async function writtenElsewhere(s: BreakerState, version: number, openForMs = 0): Promise<void> {
  const [seconds, micros] = await redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const record = {
    f: 'bw1',
    s,
    v: version,
    oa: s === 'open' ? now : 0,
    ou: s === 'open' ? now + openForMs : 0,
    ra: 0,
    t: now,
    w: 'another-process',
  };
  await redis.set(store.keysOf(name).state, JSON.stringify(record));
}

async function storedRecord(): Promise<Record<string, unknown> | null> {
  return JSON.parse((await redis.get(store.keysOf(name).state)) ?? 'null');
}

function received(): DurableState[] {
  const states: DurableState[] = [];
  cleanup.push(store.subscribe(name, (s) => states.push(s)));
  return states;
}

describe('conflicting transitions (the tie-break)', () => {
  it('keeps a shared open over a close made on an older fleet version', async () => {
    await freshStore();
    const states = received();
    await writtenElsewhere('open', 3, 20_000);
    const conflict = nextEvent(store, 'conflict');

    await store.save(name, state('closed', 1));

    expect(await conflict).toEqual<ConflictEvent>({
      breaker: name,
      kept: 'open',
      rejected: 'closed',
    });
    expect(await storedRecord()).toMatchObject({ s: 'open', v: 3, w: 'another-process' });
    // The breaker is handed the shared open with a version above its own.
    expect(states).toHaveLength(1);
    expect(states[0]).toMatchObject({ state: 'open', version: 3 });
    expect(states[0]!.openUntil - clock.now()).toBeGreaterThan(19_000);
  });

  it('lets a more severe state made on an older fleet version win', async () => {
    await freshStore();
    await writtenElsewhere('closed', 3);

    await store.save(name, state('open', 1, 10_000));

    expect(await storedRecord()).toMatchObject({ s: 'open', v: 4 });
    expect(await storedRecord()).not.toMatchObject({ w: 'another-process' });
  });

  it('keeps the stored state at equal severity, so concurrent opens do not flap', async () => {
    await freshStore();
    const states = received();
    await writtenElsewhere('open', 3, 20_000);

    await store.save(name, state('open', 1, 5_000));

    expect(await storedRecord()).toMatchObject({ s: 'open', v: 3, w: 'another-process' });
    expect(states[0]!.openUntil - clock.now()).toBeGreaterThan(19_000);
  });

  it('orders the states forced_open > open > half_open > closed > disabled', async () => {
    await freshStore();
    const order: BreakerState[] = ['disabled', 'closed', 'half_open', 'open', 'forced_open'];
    for (let i = 1; i < order.length; i++) {
      await writtenElsewhere(order[i - 1]!, 10 * i);
      await store.save(name, state(order[i]!, 1, 1_000));
      expect(await storedRecord()).toMatchObject({ s: order[i], v: 10 * i + 1 });
      await writtenElsewhere(order[i]!, 10 * i + 5);
      await store.save(name, state(order[i - 1]!, 1, 1_000));
      expect(await storedRecord()).toMatchObject({ s: order[i], v: 10 * i + 5 });
    }
  });

  it('accepts a process following its own transitions before Redis confirms them', async () => {
    await freshStore();
    // Half-open then closed, sent back to back: the second is based on the first, not stale.
    const first = store.save(name, state('half_open', 1));
    const second = store.save(name, state('closed', 2));
    await Promise.all([first, second]);
    expect(await storedRecord()).toMatchObject({ s: 'closed', v: 2 });
  });
});

describe('listeners of store events', () => {
  it('send what they throw to onListenerError and change nothing', async () => {
    prefix = randomPrefix();
    const caught: [unknown, string][] = [];
    store = await connectedStore({
      prefix,
      clock,
      onListenerError: (error, source) => caught.push([error, source]),
    });
    cleanup.push(() => store.dispose());
    const states = received();
    store.on('conflict', () => {
      throw new Error('listener bug');
    });
    await writtenElsewhere('open', 3, 20_000);
    await store.save(name, state('closed', 1));
    expect(caught).toEqual([[new Error('listener bug'), 'conflict']]);
    expect(states.map((s) => s.state)).toEqual(['open']);
  });
});

describe('values under our keys that are not ours', () => {
  it('reports and ignores garbage under the state key, then writes over it', async () => {
    await freshStore();
    await redis.set(store.keysOf(name).state, 'not a record');
    const invalid: InvalidDataEvent[] = [];
    store.on('invalidData', (event) => invalid.push(event));
    const breaker = new CircuitBreaker({
      name,
      clock,
      store,
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    cleanup.push(() => breaker.dispose());
    await breaker.ready;
    expect(breaker.state).toBe('closed');
    expect(invalid).toEqual([
      {
        breaker: name,
        source: 'state',
        problem: 'the key holds a value that is not a Breakwater state record',
      },
    ]);

    breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await nextEvent(store, 'invalidData');
    await redis.ping();
    expect(await storedRecord()).toMatchObject({ s: 'open', f: 'bw1' });
  });

  it('survives a key of another type and a record with fields out of range', async () => {
    await freshStore();
    await redis.hset(store.keysOf(name).state, 'f', 'bw1');
    const invalid = nextEvent(store, 'invalidData');
    expect(await store.load(name)).toBeUndefined();
    expect(await invalid).toMatchObject({ source: 'state' });

    await redis.del(store.keysOf(name).state);
    await redis.set(
      store.keysOf(name).state,
      JSON.stringify({ f: 'bw1', s: 'open', v: 2, oa: -5, ou: 1, ra: 0.5, t: 0, w: 'x' }),
    );
    expect(await store.load(name)).toBeUndefined();
  });

  it('caps a hostile open period far in the future at what the breaker could choose', async () => {
    await freshStore();
    await writtenElsewhere('open', 3, 10 * 365 * 86_400_000);
    const breaker = new CircuitBreaker({ name, clock, store, maxRetryAfterMs: 60_000 });
    cleanup.push(() => breaker.dispose());
    await breaker.ready;
    expect(breaker.state).toBe('open');
    const rejection = breaker.tryAcquire();
    expect(isBreakerOpenError(rejection)).toBe(true);
    expect((rejection as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('reports and ignores foreign messages on the channel', async () => {
    await freshStore();
    const states = received();
    const invalid = nextEvent(store, 'invalidData');
    await redis.publish(`${prefix}transitions`, '{"f":"bw1","s":"open","n":"nope"}');
    await redis.publish(`${prefix}transitions`, 'hello');
    expect(await invalid).toMatchObject({ source: 'message' });
    expect((await invalid).breaker).toBeUndefined();
    expect(states).toEqual([]);
  });

  it('takes over a probe lease that has no expiry, which no store of ours writes', async () => {
    await freshStore();
    await store.save(name, state('open', 1, 0));
    await redis.set(store.keysOf(name).lease, 'stuck forever');
    const invalid = nextEvent(store, 'invalidData');
    expect(await store.claimProbe(name, 1_000)).toBe(true);
    expect(await invalid).toMatchObject({ source: 'lease' });
    expect(await redis.pttl(store.keysOf(name).lease)).toBeGreaterThan(0);
  });
});
