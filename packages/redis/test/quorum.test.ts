import {
  type BreakerState,
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
} from '@breakwater/core';
import type { VoteEvent } from '@breakwater/redis';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectedStore, deleteKeys, inspector, nextEvent, randomPrefix } from './helpers.ts';

const name = 'https://api.bybit.com';
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

async function member(windowMs = 60_000) {
  const clock = new ManualClock();
  const store = await connectedStore({ prefix, clock, quorum: { minProcesses: 2, windowMs } });
  const breaker = new CircuitBreaker({
    name,
    clock,
    store,
    openMs: 1_000,
    strategy: { type: 'consecutive', failureCount: 1 },
  });
  await breaker.ready;
  const votes: VoteEvent[] = [];
  store.on('vote', (event) => votes.push(event));
  cleanup.push(
    () => store.dispose(),
    () => breaker.dispose(),
  );
  return { clock, store, breaker, votes };
}

function nextState(breaker: CircuitBreaker, to: BreakerState): Promise<unknown> {
  return new Promise((resolve) => {
    const off = breaker.on('stateChange', (event) => {
      if (event.to === to) resolve(off());
    });
  });
}

describe('quorum mode', () => {
  it('opens one process alone, and the fleet only when a second one agrees', async () => {
    prefix = randomPrefix();
    const [a, b, c] = [await member(), await member(), await member()];

    const aVoted = nextEvent(a.store, 'vote');
    a.breaker.acquire().settle({ kind: 'error', error: new Error('my network is down') });
    expect(await aVoted).toEqual({ breaker: name, votes: 1, needed: 2, opened: false });
    expect(a.breaker.state).toBe('open');
    expect([b.breaker.state, c.breaker.state]).toEqual(['closed', 'closed']);
    expect(await redis.get(a.store.keysOf(name).state)).toBeNull();

    const cOpens = nextState(c.breaker, 'open');
    b.breaker.acquire().settle({ kind: 'error', error: new Error('the exchange is down') });
    await cOpens;
    expect(b.votes).toEqual([{ breaker: name, votes: 2, needed: 2, opened: true }]);
    expect(JSON.parse((await redis.get(a.store.keysOf(name).state))!)).toMatchObject({
      s: 'open',
    });
  });

  it('never opens the fleet for one process that keeps failing', async () => {
    prefix = randomPrefix();
    const [a, b] = [await member(), await member()];
    for (let round = 0; round < 5; round++) {
      const voted = nextEvent(a.store, 'vote');
      if (a.breaker.state === 'open') {
        await a.clock.advance(60_000);
        // Open only for itself: it probes without the fleet's lease.
        const probe = a.breaker.tryAcquire();
        expect(isBreakerOpenError(probe)).toBe(false);
        if (!isBreakerOpenError(probe))
          probe.settle({ kind: 'error', error: new Error('still down here') });
      } else {
        a.breaker.acquire().settle({ kind: 'error', error: new Error('down here') });
      }
      expect(await voted).toMatchObject({ votes: 1, opened: false });
    }
    expect(b.breaker.state).toBe('closed');
    expect(await redis.get(a.store.keysOf(name).state)).toBeNull();
  });

  it('forgets votes older than the window (Redis time)', async () => {
    prefix = randomPrefix();
    const [a, b] = [await member(30), await member(30)];
    a.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await nextEvent(a.store, 'vote');
    const votes = a.store.keysOf(name).votes;
    // The votes key expires with the window: then a second voter is alone.
    while ((await redis.exists(votes)) === 1) await redis.ping();
    const voted = nextEvent(b.store, 'vote');
    b.breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    expect(await voted).toMatchObject({ votes: 1, opened: false });
  });
});
